import { describe, expect, it } from 'vitest';
import { parseFlags } from './pool-args.js';
import { POOL_FLAGS, createBody, registrySecretName, updatePatch } from './pool-body.js';

const flags = (...argv: string[]) => parseFlags(argv, POOL_FLAGS).values;

describe('createBody', () => {
  it('sends only what was given, naming the container after the pool as az does', () => {
    expect(createBody(flags('--image', 'img:1', '--target-port', '80'), 'pool1')).toEqual({
      properties: {
        poolManagementType: 'Dynamic',
        customContainerTemplate: { containers: [{ name: 'pool1', image: 'img:1' }], ingress: { targetPort: 80 } },
      },
    });
  });

  it('turns --registry-password into a secret referenced by name', () => {
    const body = createBody(
      flags('--image', 'x', '--registry-server', 'My.Registry.io', '--registry-username', 'Bot', '--registry-password', 'pw'),
      'pool1',
    ) as { properties: Record<string, unknown> };
    expect(body.properties.secrets).toEqual([{ name: 'myregistryio-bot', value: 'pw' }]);
    expect(body.properties.customContainerTemplate).toMatchObject({
      registryCredentials: { server: 'My.Registry.io', username: 'Bot', passwordSecretRef: 'myregistryio-bot' },
    });
    expect(() => createBody(flags('--registry-username', 'u'), 'p')).toThrow("'--registry-server' is required");
    expect(registrySecretName('a_b.io', 'USER@x')).toBe('a-bio-user-x');
  });

  it('maps identities', () => {
    expect(createBody(flags('--mi-system-assigned', '--mi-user-assigned', '/id/1'), 'p').identity).toEqual({
      type: 'SystemAssigned,UserAssigned',
      userAssignedIdentities: { '/id/1': {} },
    });
  });
});

describe('updatePatch', () => {
  const current = {
    tags: { a: '1' },
    identity: { type: 'None' },
    properties: {
      secrets: [{ name: 'old' }],
      customContainerTemplate: {
        containers: [{ name: 'main', image: 'img:1', env: [{ name: 'K', value: 'v' }], resources: { cpu: 0.5, memory: '1Gi' } }],
        ingress: { targetPort: 80 },
      },
    },
  };

  it('sends the whole container with the changed fields, and the secret names plus new secrets', () => {
    expect(updatePatch(flags('--image', 'img:2', '--memory', '2Gi', '--secrets', 'new=v', '--tags', 'b=2'), current)).toEqual({
      tags: { a: '1', b: '2' },
      properties: {
        secrets: [{ name: 'old' }, { name: 'new', value: 'v' }],
        customContainerTemplate: {
          containers: [{ name: 'main', image: 'img:2', env: [{ name: 'K', value: 'v' }], resources: { cpu: 0.5, memory: '2Gi' } }],
        },
      },
    });
  });

  it('"--env-vars \'\'" clears the environment; nothing to change is a usage error', () => {
    const patch = updatePatch(flags('--env-vars', ''), current) as { properties: { customContainerTemplate: { containers: { env: unknown }[] } } };
    expect(patch.properties.customContainerTemplate.containers[0]?.env).toEqual([]);
    expect(() => updatePatch(flags(), current)).toThrow('nothing to update');
  });
});
