import type { PoolSpec } from '../../emulator/pool/spec.js';

/** A pool spec for tests, with the same defaults the config file applies. */
export function testPool(name: string, image: string, overrides: Partial<PoolSpec> = {}): PoolSpec {
  return {
    name,
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    resourceGroup: 'sessionite',
    location: 'local',
    container: {
      name: 'main',
      image,
      command: [],
      args: [],
      env: {},
      cpu: 0.25,
      memoryBytes: 512 * 1024 * 1024,
      probes: [],
    },
    targetPort: 8080,
    lifecycle: { type: 'Timed', cooldownMs: 300_000 },
    maxConcurrentSessions: 10,
    readySessionInstances: 1,
    egress: false,
    secretNames: [],
    managedIdentityInSessions: false,
    ...overrides,
  };
}
