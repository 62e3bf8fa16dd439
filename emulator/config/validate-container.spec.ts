// Rules of `validate-container.ts` (and the identity rules that touch the registry), through `checkSessionPool`.
import { describe, expect, it } from 'vitest';
import { CONTAINER, expectIssue, issuesOf, validPool, withValue, type Body } from './validate.fixtures.js';


describe('container template', () => {
  const TEMPLATE = 'properties.customContainerTemplate';

  it('requires a template for custom containers', () => {
    expectIssue(withValue(validPool(), TEMPLATE, undefined), TEMPLATE, 'MissingRequiredParameter');
  });

  it('requires exactly one container', () => {
    expectIssue(
      withValue(validPool(), `${TEMPLATE}.containers`, []),
      `${TEMPLATE}.containers`,
      'MissingRequiredParameter',
    );
    const two = withValue(validPool(), `${TEMPLATE}.containers[1]`, { image: 'x' });
    expectIssue(two, `${TEMPLATE}.containers`, 'InvalidParameterValue');
  });

  it('requires an image without spaces', () => {
    expectIssue(
      withValue(validPool(), `${CONTAINER}.image`, undefined),
      `${CONTAINER}.image`,
      'MissingRequiredParameter',
    );
    expectIssue(
      withValue(validPool(), `${CONTAINER}.image`, 'repo/img: 1'),
      `${CONTAINER}.image`,
      'InvalidParameterValue',
    );
  });

  it('requires a target port in range', () => {
    expectIssue(
      withValue(validPool(), `${TEMPLATE}.ingress`, undefined),
      `${TEMPLATE}.ingress.targetPort`,
      'MissingRequiredParameter',
    );
    expectIssue(
      withValue(validPool(), `${TEMPLATE}.ingress.targetPort`, 0),
      `${TEMPLATE}.ingress.targetPort`,
      'InvalidParameterValue',
    );
  });

  it.each([0.1, 2.5, 0])('rejects cpu %d', (cpu) => {
    expectIssue(
      withValue(validPool(), `${CONTAINER}.resources.cpu`, cpu),
      `${CONTAINER}.resources.cpu`,
      'InvalidParameterValue',
    );
  });

  it.each(['0.5Gi', '4Gi', '512Mi', '1G', '2Gb', '1024Mb'])('accepts memory %s', (memory) => {
    expect(issuesOf(withValue(validPool(), `${CONTAINER}.resources.memory`, memory))).toEqual([]);
  });

  it.each(['256Mi', '4.5Gi', '1', 'lots', '1Ti'])('rejects memory %s', (memory) => {
    expectIssue(
      withValue(validPool(), `${CONTAINER}.resources.memory`, memory),
      `${CONTAINER}.resources.memory`,
      'InvalidParameterValue',
    );
  });

  it('accepts any cpu/memory combination within the ranges', () => {
    const body = withValue(validPool(), `${CONTAINER}.resources`, { cpu: 2, memory: '0.5Gi' });
    expect(issuesOf(body)).toEqual([]);
  });
});

describe('env and secrets', () => {
  it('needs exactly one of value and secretRef', () => {
    expectIssue(
      withValue(validPool(), `${CONTAINER}.env[0]`, { name: 'A' }),
      `${CONTAINER}.env[0]`,
      'InvalidParameterValue',
    );
    const both = withValue(validPool(), `${CONTAINER}.env[0]`, { name: 'A', value: 'x', secretRef: 'pw' });
    expectIssue(both, `${CONTAINER}.env[0]`, 'InvalidParameterValue');
  });

  it('accepts an empty value', () => {
    expect(issuesOf(withValue(validPool(), `${CONTAINER}.env[0]`, { name: 'A', value: '' }))).toEqual([]);
  });

  it('rejects duplicate and empty env names', () => {
    expectIssue(
      withValue(validPool(), `${CONTAINER}.env[1]`, { name: 'A', value: 'b' }),
      `${CONTAINER}.env[1].name`,
      'DuplicateName',
    );
    expectIssue(
      withValue(validPool(), `${CONTAINER}.env[0].name`, ' '),
      `${CONTAINER}.env[0].name`,
      'InvalidParameterValue',
    );
  });

  it('requires every secretRef to name a defined secret', () => {
    const issue = expectIssue(
      withValue(validPool(), `${CONTAINER}.env[1].secretRef`, 'nope'),
      `${CONTAINER}.env[1].secretRef`,
      'SecretRefNotFound',
    );
    expect(issue.rule).toContain("'nope'");
  });

  it('rejects duplicate secret names, bad names and missing values', () => {
    const body = withValue(validPool(), 'properties.secrets', [
      { name: 'pw', value: 'a' },
      { name: 'pw', value: 'b' },
      { name: 'Upper', value: 'c' },
      { name: 'novalue' },
    ]);
    expectIssue(body, 'properties.secrets[1].name', 'DuplicateName');
    expectIssue(body, 'properties.secrets[2].name', 'InvalidParameterValue');
    expectIssue(body, 'properties.secrets[3].value', 'MissingRequiredParameter');
  });
});

describe('registry credentials', () => {
  const REGISTRY = 'properties.customContainerTemplate.registryCredentials';
  const registry = (credentials: unknown): Body => withValue(validPool(), REGISTRY, credentials);

  it('accepts server + username + a password secret, and the old registryServer spelling', () => {
    expect(issuesOf(registry({ server: 'r.io', username: 'u', passwordSecretRef: 'pw' }))).toEqual([]);
    expect(issuesOf(registry({ registryServer: 'r.io', username: 'u', passwordSecretRef: 'pw' }))).toEqual(
      [],
    );
  });

  it('requires passwordSecretRef to name a defined secret', () => {
    expectIssue(
      registry({ server: 'r.io', username: 'u', passwordSecretRef: 'nope' }),
      `${REGISTRY}.passwordSecretRef`,
      'SecretRefNotFound',
    );
  });

  it('requires a server, and username with password', () => {
    expectIssue(
      registry({ username: 'u', passwordSecretRef: 'pw' }),
      `${REGISTRY}.server`,
      'MissingRequiredParameter',
    );
    expectIssue(
      registry({ server: 'r.io', username: 'u' }),
      `${REGISTRY}.passwordSecretRef`,
      'MissingRequiredParameter',
    );
    expectIssue(
      registry({ server: 'r.io', passwordSecretRef: 'pw' }),
      `${REGISTRY}.username`,
      'MissingRequiredParameter',
    );
    expectIssue(
      registry({ server: 'a.io', registryServer: 'b.io' }),
      `${REGISTRY}.registryServer`,
      'InvalidParameterValue',
    );
  });

  it('requires a registry identity to be assigned to the pool', () => {
    expectIssue(
      registry({ server: 'r.io', identity: 'system' }),
      `${REGISTRY}.identity`,
      'InvalidParameterValue',
    );
    const assigned = registry({ server: 'r.io', identity: 'system' });
    assigned.identity = { type: 'SystemAssigned' };
    expect(issuesOf(assigned)).toEqual([]);
  });
});

describe('managed identity settings', () => {
  const UAI =
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1';

  it('accepts settings for assigned identities, including the az spelling of both types', () => {
    const body = withValue(validPool(), 'properties.managedIdentitySettings', [
      { identity: 'system', lifecycle: 'Main' },
      { identity: UAI.toLowerCase(), lifecycle: 'None' },
    ]);
    body.identity = { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [UAI]: {} } };
    expect(issuesOf(body)).toEqual([]);
  });

  it('rejects settings for identities the pool does not have, and duplicates', () => {
    const body = withValue(validPool(), 'properties.managedIdentitySettings', [
      { identity: 'system', lifecycle: 'Main' },
      { identity: UAI, lifecycle: 'Main' },
      { identity: 'SYSTEM', lifecycle: 'All' },
    ]);
    expectIssue(body, 'properties.managedIdentitySettings[1].identity', 'InvalidParameterValue');
    const issues = issuesOf(body).filter(
      (issue) => issue.path === 'properties.managedIdentitySettings[2].identity',
    );
    expect(issues.map((issue) => issue.code)).toContain('DuplicateName');
  });

  it('rejects an unknown lifecycle', () => {
    const body = withValue(validPool(), 'properties.managedIdentitySettings', [
      { identity: 'system', lifecycle: 'Always' },
    ]);
    expectIssue(body, 'properties.managedIdentitySettings[0].lifecycle', 'InvalidParameterValue');
  });

  it('requires userAssignedIdentities for a UserAssigned identity', () => {
    const body = validPool();
    body.identity = { type: 'UserAssigned' };
    expectIssue(body, 'identity.userAssignedIdentities', 'MissingRequiredParameter');
  });
});

describe('probes', () => {
  const PROBES = `${CONTAINER}.probes`;
  const probes = (list: unknown[]): Body => withValue(validPool(), PROBES, list);

  it('accepts http and tcp probes of both types', () => {
    const body = probes([
      {
        type: 'Liveness',
        httpGet: { path: '/health', port: 8080, httpHeaders: [{ name: 'X-Probe', value: '1' }] },
      },
      {
        type: 'Startup',
        tcpSocket: { port: 8080 },
        failureThreshold: 10,
        initialDelaySeconds: 0,
        periodSeconds: 240,
        timeoutSeconds: 240,
      },
    ]);
    expect(issuesOf(body)).toEqual([]);
  });

  it('requires a type, unique per container', () => {
    expectIssue(probes([{ tcpSocket: { port: 1 } }]), `${PROBES}[0].type`, 'MissingRequiredParameter');
    const twice = probes([
      { type: 'Liveness', tcpSocket: { port: 1 } },
      { type: 'liveness', tcpSocket: { port: 2 } },
    ]);
    expectIssue(twice, `${PROBES}[1].type`, 'DuplicateName');
  });

  it('requires exactly one of httpGet and tcpSocket', () => {
    expectIssue(probes([{ type: 'Liveness' }]), `${PROBES}[0]`, 'InvalidParameterValue');
    expectIssue(
      probes([{ type: 'Liveness', httpGet: { port: 1 }, tcpSocket: { port: 1 } }]),
      `${PROBES}[0]`,
      'InvalidParameterValue',
    );
  });

  it('checks ports, path, headers and every timing field', () => {
    const body = probes([
      {
        type: 'Liveness',
        httpGet: { path: 'health', port: 0, httpHeaders: [{ name: 'bad header', value: 'v' }] },
        failureThreshold: 11,
        initialDelaySeconds: 61,
        periodSeconds: 0,
        timeoutSeconds: 241,
        successThreshold: 2,
        terminationGracePeriodSeconds: 3601,
      },
    ]);
    const paths = issuesOf(body).map((issue) => issue.path);
    expect(paths).toEqual(
      ['port', 'path', 'httpHeaders[0].name']
        .map((field) => `${PROBES}[0].httpGet.${field}`)
        .concat(
          [
            'failureThreshold',
            'initialDelaySeconds',
            'periodSeconds',
            'timeoutSeconds',
            'successThreshold',
            'terminationGracePeriodSeconds',
          ].map((field) => `${PROBES}[0].${field}`),
        ),
    );
  });

  it('requires a port in httpGet', () => {
    expectIssue(
      probes([{ type: 'Liveness', httpGet: { path: '/' } }]),
      `${PROBES}[0].httpGet.port`,
      'MissingRequiredParameter',
    );
  });
});
