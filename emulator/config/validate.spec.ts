import { describe, expect, it } from 'vitest';
import { CONTAINER, expectIssue, issuesOf, validPool, withValue, type Body } from './validate.fixtures.js';
import { checkSessionPool, parseSessionPool, validatePoolName } from './validate.js';


describe('validatePoolName', () => {
  it.each(['abc', 'my-pool', 'pool1', 'a1-b2-c3', 'a'.repeat(32)])('accepts %s', (name) => {
    expect(validatePoolName(name)).toEqual([]);
  });

  it.each(['ab', 'a'.repeat(33), 'My-pool', '1pool', '-pool', 'pool-', 'po--ol', 'po_ol', 'pool.x', ''])(
    'rejects %s',
    (name) => {
      expect(validatePoolName(name)).toEqual([
        expect.objectContaining({ path: 'name', code: 'InvalidResourceName' }),
      ]);
    },
  );
});

describe('checkSessionPool', () => {
  it('accepts a complete valid pool and returns the typed body', () => {
    const result = checkSessionPool(validPool(), 'pool');
    expect(result.ok).toBe(true);
    expect(result.ok && result.pool.properties.containerType).toBe('CustomContainer');
  });

  it('accepts a minimal pool: only a container image and a target port', () => {
    const body = {
      properties: {
        customContainerTemplate: { containers: [{ image: 'img' }], ingress: { targetPort: 80 } },
      },
    };
    expect(issuesOf(body)).toEqual([]);
  });

  it('tolerates unknown, read-only and null fields, as in a pasted GET response', () => {
    const body = validPool();
    Object.assign(body, {
      type: 'Microsoft.App/sessionPools',
      systemData: { createdBy: 'x' },
      identity: null,
    });
    Object.assign(body.properties, {
      poolManagementEndpoint: 'https://pool.example',
      provisioningState: 'Succeeded',
      nodeCount: 1,
      someFutureField: { a: 1 },
      managedIdentitySettings: null,
    });
    withValue(body, `${CONTAINER}.command`, null);
    expect(issuesOf(body)).toEqual([]);
  });

  it('matches enum values case-insensitively and returns the documented spelling', () => {
    const body = withValue(
      validPool(),
      'properties.dynamicPoolConfiguration.lifecycleConfiguration.lifecycleType',
      'timed',
    );
    withValue(body, 'properties.sessionNetworkConfiguration.status', 'egressenabled');
    const result = parseSessionPool(body);
    expect(result.ok && result.pool.properties.sessionNetworkConfiguration?.status).toBe('EgressEnabled');
  });

  it('is strict on the types of known fields', () => {
    const body = withValue(validPool(), 'properties.scaleConfiguration.maxConcurrentSessions', '10');
    withValue(body, 'properties.customContainerTemplate.ingress.targetPort', 80.5);
    withValue(body, `${CONTAINER}.command`, 'run.sh');
    const issues = issuesOf(body);
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          path: 'properties.scaleConfiguration.maxConcurrentSessions',
          rule: 'must be a number',
          code: 'InvalidRequestContent',
        },
        {
          path: 'properties.customContainerTemplate.ingress.targetPort',
          rule: 'must be an integer',
          code: 'InvalidRequestContent',
        },
        { path: `${CONTAINER}.command`, rule: 'must be a list', code: 'InvalidRequestContent' },
      ]),
    );
  });

  it('reports an unknown enum value with the allowed ones', () => {
    const body = withValue(validPool(), 'properties.sessionNetworkConfiguration.status', 'Open');
    const issue = expectIssue(body, 'properties.sessionNetworkConfiguration.status', 'InvalidParameterValue');
    expect(issue.rule).toBe('must be one of "EgressEnabled", "EgressDisabled"');
  });

  it('requires properties', () => {
    expectIssue({ name: 'pool' }, 'properties', 'MissingRequiredParameter');
  });

  it('reports every problem of a pool together, including the name', () => {
    const body = withValue(validPool(), 'properties.scaleConfiguration.readySessionInstances', 0);
    withValue(body, `${CONTAINER}.image`, '');
    withValue(body, 'properties.customContainerTemplate.ingress.targetPort', 70000);
    withValue(body, `${CONTAINER}.env[1].secretRef`, 'missing');
    const issues = checkSessionPool(body, 'Bad_Name');
    expect(issues.ok).toBe(false);
    expect(issues.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining([
        'name',
        'properties.scaleConfiguration.readySessionInstances',
        `${CONTAINER}.image`,
        'properties.customContainerTemplate.ingress.targetPort',
        `${CONTAINER}.env[1].secretRef`,
      ]),
    );
  });

  it('requires the body name, when given, to match the pool name', () => {
    expect(issuesOf(validPool(), 'other')).toEqual([
      expect.objectContaining({ path: 'name', code: 'InvalidParameterValue' }),
    ]);
  });

  it('never puts a secret value into a rule', () => {
    const body = withValue(validPool(), 'properties.secrets', [
      { name: 'BAD NAME', value: 's3cret-value' },
      { name: 7 },
    ]);
    expect(JSON.stringify(issuesOf(body))).not.toContain('s3cret-value');
    const typed = withValue(validPool(), 'properties.secrets', [{ name: 'ok', value: 12345 }]);
    expect(JSON.stringify(issuesOf(typed))).not.toContain('12345');
  });
});

describe('pool kind', () => {
  it.each(['PythonLTS', 'NodeLTS', 'Shell', 'GpuBase'])(
    'reports %s as not supported yet',
    (containerType) => {
      const body = withValue(validPool(), 'properties.containerType', containerType);
      const issue = expectIssue(body, 'properties.containerType', 'SessionPoolFeatureNotSupported');
      expect(issue.rule).toContain('not supported yet: built-in code interpreter pools arrive later');
    },
  );

  it('does not ask a code interpreter pool for a container template', () => {
    const body = { properties: { containerType: 'PythonLTS' } };
    expect(issuesOf(body).map((issue) => issue.path)).toEqual(['properties.containerType']);
  });

  it('reports Manual pool management as not supported', () => {
    expectIssue(
      withValue(validPool(), 'properties.poolManagementType', 'Manual'),
      'properties.poolManagementType',
      'SessionPoolFeatureNotSupported',
    );
  });

  it('checks environmentId when given', () => {
    const good = '/subscriptions/x/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env';
    expect(issuesOf(withValue(validPool(), 'properties.environmentId', good))).toEqual([]);
    expectIssue(
      withValue(validPool(), 'properties.environmentId', 'env'),
      'properties.environmentId',
      'InvalidParameterValue',
    );
  });
});

describe('scale', () => {
  const READY = 'properties.scaleConfiguration.readySessionInstances';
  const MAX = 'properties.scaleConfiguration.maxConcurrentSessions';

  it.each([
    [0, 10],
    [10, 10],
    [11, 10],
    [1, 1],
  ])('rejects readySessionInstances %i with maxConcurrentSessions %i', (ready, max) => {
    const body = withValue(validPool(), 'properties.scaleConfiguration', {
      readySessionInstances: ready,
      maxConcurrentSessions: max,
    });
    expectIssue(body, READY, 'SessionPoolInvalidReadySessionInstances');
  });

  it('accepts 1 <= ready < max', () => {
    const body = withValue(validPool(), 'properties.scaleConfiguration', {
      readySessionInstances: 1,
      maxConcurrentSessions: 2,
    });
    expect(issuesOf(body)).toEqual([]);
  });

  it.each([0, 1001])('rejects maxConcurrentSessions %i', (max) => {
    const body = withValue(validPool(), 'properties.scaleConfiguration', {
      readySessionInstances: 1,
      maxConcurrentSessions: max,
    });
    expectIssue(body, MAX, 'InvalidParameterValue');
  });

  it('lowers the default readySessionInstances for small pools instead of failing', () => {
    const body = withValue(validPool(), 'properties.scaleConfiguration', { maxConcurrentSessions: 3 });
    expect(issuesOf(body)).toEqual([]);
  });
});

describe('lifecycle', () => {
  const LIFECYCLE = 'properties.dynamicPoolConfiguration.lifecycleConfiguration';
  const lifecycle = (config: unknown): Body =>
    withValue(validPool(), 'properties.dynamicPoolConfiguration', { lifecycleConfiguration: config });

  it.each([299, 3601])('rejects cooldown %i', (seconds) => {
    expectIssue(
      lifecycle({ lifecycleType: 'Timed', cooldownPeriodInSeconds: seconds }),
      `${LIFECYCLE}.cooldownPeriodInSeconds`,
      'InvalidParameterValue',
    );
  });

  it.each([300, 3600])('accepts cooldown %i', (seconds) => {
    expect(issuesOf(lifecycle({ lifecycleType: 'Timed', cooldownPeriodInSeconds: seconds }))).toEqual([]);
  });

  it.each([299, 86_401])('rejects maxAlive %i', (seconds) => {
    const body = lifecycle({ lifecycleType: 'OnContainerExit', maxAlivePeriodInSeconds: seconds });
    expectIssue(body, `${LIFECYCLE}.maxAlivePeriodInSeconds`, 'InvalidParameterValue');
  });

  it('rejects maxAlivePeriodInSeconds on a Timed pool', () => {
    const body = lifecycle({ lifecycleType: 'Timed', maxAlivePeriodInSeconds: 600 });
    expectIssue(body, `${LIFECYCLE}.maxAlivePeriodInSeconds`, 'InvalidParameterValue');
  });

  it('rejects cooldownPeriodInSeconds on an OnContainerExit pool', () => {
    const body = lifecycle({ lifecycleType: 'OnContainerExit', cooldownPeriodInSeconds: 600 });
    expectIssue(body, `${LIFECYCLE}.cooldownPeriodInSeconds`, 'InvalidParameterValue');
  });

  it('rejects both periods without a lifecycle type', () => {
    const body = lifecycle({ cooldownPeriodInSeconds: 600, maxAlivePeriodInSeconds: 600 });
    expectIssue(body, LIFECYCLE, 'InvalidParameterValue');
  });

  it('accepts and range-checks the pre-2025-01-01 shape', () => {
    const legacy = (seconds: number): Body =>
      withValue(validPool(), 'properties.dynamicPoolConfiguration', {
        executionType: 'Timed',
        cooldownPeriodInSeconds: seconds,
      });
    expect(issuesOf(legacy(600))).toEqual([]);
    expectIssue(
      legacy(30),
      'properties.dynamicPoolConfiguration.cooldownPeriodInSeconds',
      'InvalidParameterValue',
    );
  });

  it('rejects a mix of the legacy and current shapes', () => {
    const body = withValue(validPool(), 'properties.dynamicPoolConfiguration', {
      executionType: 'Timed',
      lifecycleConfiguration: { lifecycleType: 'Timed' },
    });
    expectIssue(body, 'properties.dynamicPoolConfiguration', 'InvalidParameterValue');
  });
});
