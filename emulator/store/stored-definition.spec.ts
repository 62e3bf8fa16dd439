import { describe, expect, it } from 'vitest';
import type { SessionPoolResource } from '../config/arm-schema.js';
import { joinSecrets, splitSecrets } from './stored-definition.js';

describe('splitSecrets / joinSecrets', () => {
  const definition: SessionPoolResource = {
    id: '/subscriptions/x/resourceGroups/y/providers/Microsoft.App/sessionPools/p',
    location: 'local',
    properties: {
      secrets: [
        { name: 'a', value: 'value-a' },
        { name: 'b', value: 'value-b' },
      ],
      customContainerTemplate: {
        containers: [{ image: 'img:1', env: [{ name: 'A', secretRef: 'a' }] }],
        ingress: { targetPort: 80 },
        registryCredentials: { server: 'r', username: 'u', passwordSecretRef: 'b' },
      },
    },
  };

  it('moves every value out of the plain definition (and drops the read-only id)', () => {
    const { plain, secrets } = splitSecrets(definition);
    expect(secrets).toEqual({ a: 'value-a', b: 'value-b' });
    expect(JSON.stringify(plain)).not.toContain('value-');
    expect(plain.id).toBeUndefined();
    expect((plain.properties as { secrets: unknown }).secrets).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('puts them back; a secret without a stored value stays without one', () => {
    const { plain } = splitSecrets(definition);
    const joined = joinSecrets(plain, { a: 'value-a' }) as { properties: { secrets: unknown } };
    expect(joined.properties.secrets).toEqual([{ name: 'a', value: 'value-a' }, { name: 'b' }]);
  });
});
