import { describe, expect, it } from 'vitest';
import type { PoolSpec } from '../pool/spec.js';
import {
  definitionOf,
  normalizeSessionPool,
  poolSpecToArmResource,
  sessionPoolToSpec,
  type PoolPlacement,
} from './normalize.js';
import { checkSessionPool } from './validate.js';

const PLACEMENT: PoolPlacement = {
  subscriptionId: '11111111-2222-3333-4444-555555555555',
  resourceGroup: 'rg',
  location: 'local',
};
const SECRET = 'Sup3r-Secret-Value-9f2c';
const REGISTRY_SECRET = 'Registry-Password-77ab';
const VIEW = {
  poolManagementEndpoint: 'http://127.0.0.1:8080/pools/pool',
  provisioningState: 'Succeeded',
} as const;

function spec(body: unknown, name = 'pool'): PoolSpec {
  const result = sessionPoolToSpec(body, name, PLACEMENT);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

function minimal(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    properties: {
      customContainerTemplate: { containers: [{ image: ' repo/img:1 ' }], ingress: { targetPort: 80 } },
      ...extra,
    },
  };
}

function withSecrets(): Record<string, unknown> {
  return {
    name: 'pool',
    location: 'westeurope',
    tags: { team: 'a' },
    identity: { type: 'SystemAssigned' },
    properties: {
      environmentId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env',
      secrets: [
        { name: 'api-key', value: SECRET },
        { name: 'registry-pw', value: REGISTRY_SECRET },
      ],
      managedIdentitySettings: [{ identity: 'system', lifecycle: 'Main' }],
      customContainerTemplate: {
        registryCredentials: { server: 'r.azurecr.io', username: 'user', passwordSecretRef: 'registry-pw' },
        containers: [
          {
            name: 'main',
            image: 'r.azurecr.io/img:1',
            command: ['/bin/run'],
            args: ['--fast'],
            env: [
              { name: 'PLAIN', value: 'visible' },
              { name: 'API_KEY', secretRef: 'api-key' },
            ],
            resources: { cpu: 1, memory: '2Gi' },
          },
        ],
        ingress: { targetPort: 8080 },
      },
    },
  };
}

describe('normalizeSessionPool', () => {
  it('applies the az defaults to a minimal pool', () => {
    expect(spec(minimal())).toEqual({
      name: 'pool',
      subscriptionId: PLACEMENT.subscriptionId,
      resourceGroup: 'rg',
      location: 'local',
      container: {
        name: 'pool',
        image: 'repo/img:1',
        command: [],
        args: [],
        env: {},
        cpu: 0.25,
        memoryBytes: 0.5 * 2 ** 30,
        probes: [],
      },
      targetPort: 80,
      lifecycle: { type: 'Timed', cooldownMs: 300_000 },
      maxConcurrentSessions: 10,
      readySessionInstances: 5,
      egress: false,
      secretNames: [],
      managedIdentityInSessions: false,
    });
  });

  it('keeps the pool location over the default one', () => {
    expect(spec({ ...minimal(), location: 'eastus' }).location).toBe('eastus');
  });

  it('translates the pre-2025-01-01 lifecycle shape', () => {
    const pool = spec(
      minimal({ dynamicPoolConfiguration: { executionType: 'Timed', cooldownPeriodInSeconds: 900 } }),
    );
    expect(pool.lifecycle).toEqual({ type: 'Timed', cooldownMs: 900_000 });
  });

  it('translates OnContainerExit with its default maximum', () => {
    const pool = spec(
      minimal({ dynamicPoolConfiguration: { lifecycleConfiguration: { lifecycleType: 'OnContainerExit' } } }),
    );
    expect(pool.lifecycle).toEqual({ type: 'OnContainerExit', maxAliveMs: 3_600_000 });
  });

  it('resolves secrets into env and the registry password, keeping only names in secretNames', () => {
    const pool = spec(withSecrets());
    expect(pool.container.env).toEqual({ PLAIN: 'visible', API_KEY: SECRET });
    expect(pool.registry).toEqual({ server: 'r.azurecr.io', username: 'user', password: REGISTRY_SECRET });
    expect(pool.secretNames).toEqual(['api-key', 'registry-pw']);
    expect(pool.managedIdentityInSessions).toBe(true);
    expect(pool.container).toMatchObject({
      command: ['/bin/run'],
      args: ['--fast'],
      cpu: 1,
      memoryBytes: 2 * 2 ** 30,
    });
  });

  it('keeps only the server for registries that authenticate with an identity', () => {
    const body = minimal({ customContainerTemplate: undefined });
    Object.assign(body.properties as object, {
      customContainerTemplate: {
        registryCredentials: { registryServer: 'r.azurecr.io', identity: 'system' },
        containers: [{ image: 'r.azurecr.io/img' }],
        ingress: { targetPort: 80 },
      },
    });
    (body as { identity?: unknown }).identity = { type: 'SystemAssigned' };
    expect(spec(body).registry).toEqual({ server: 'r.azurecr.io' });
  });

  it('applies probe defaults', () => {
    const pool = spec(
      minimal({
        customContainerTemplate: {
          containers: [
            {
              image: 'img',
              probes: [
                { type: 'Liveness', httpGet: { port: 80 } },
                {
                  type: 'Startup',
                  tcpSocket: { port: 81 },
                  failureThreshold: 5,
                  initialDelaySeconds: 2,
                  periodSeconds: 3,
                  timeoutSeconds: 4,
                },
              ],
            },
          ],
          ingress: { targetPort: 80 },
        },
      }),
    );
    expect(pool.container.probes).toEqual([
      {
        type: 'Liveness',
        check: { kind: 'http', path: '/', port: 80, scheme: 'HTTP', headers: {} },
        failureThreshold: 3,
        initialDelayMs: 0,
        periodMs: 10_000,
        timeoutMs: 1_000,
      },
      {
        type: 'Startup',
        check: { kind: 'tcp', port: 81 },
        failureThreshold: 5,
        initialDelayMs: 2_000,
        periodMs: 3_000,
        timeoutMs: 4_000,
      },
    ]);
  });

  it('maps EgressEnabled and readySessionInstances through', () => {
    const pool = spec(
      minimal({
        sessionNetworkConfiguration: { status: 'EgressEnabled' },
        scaleConfiguration: { maxConcurrentSessions: 4, readySessionInstances: 3 },
      }),
    );
    expect(pool).toMatchObject({ egress: true, maxConcurrentSessions: 4, readySessionInstances: 3 });
  });

  it('refuses a definition that was not validated', () => {
    const checked = checkSessionPool({ properties: {} }, 'pool');
    expect(checked.ok).toBe(false);
    expect(() => normalizeSessionPool({ properties: {} }, 'pool', PLACEMENT)).toThrow(/not validated/);
  });

  it('reports issues instead of a spec for an invalid body', () => {
    const result = sessionPoolToSpec({ properties: {} }, 'pool', PLACEMENT);
    expect(result.ok).toBe(false);
  });
});

describe('poolSpecToArmResource', () => {
  it('produces the current-api resource with no secret value anywhere', () => {
    const pool = spec(withSecrets());
    const view = poolSpecToArmResource(pool, VIEW);
    const json = JSON.stringify(view);
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain(REGISTRY_SECRET);
    expect(view).toMatchObject({
      id: `/subscriptions/${PLACEMENT.subscriptionId}/resourceGroups/rg/providers/Microsoft.App/sessionPools/pool`,
      name: 'pool',
      type: 'Microsoft.App/sessionPools',
      location: 'westeurope',
      tags: { team: 'a' },
      identity: { type: 'SystemAssigned' },
      properties: {
        environmentId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env',
        containerType: 'CustomContainer',
        poolManagementType: 'Dynamic',
        scaleConfiguration: { maxConcurrentSessions: 10, readySessionInstances: 5 },
        dynamicPoolConfiguration: {
          lifecycleConfiguration: { lifecycleType: 'Timed', cooldownPeriodInSeconds: 300 },
        },
        secrets: [{ name: 'api-key' }, { name: 'registry-pw' }],
        sessionNetworkConfiguration: { status: 'EgressDisabled' },
        managedIdentitySettings: [{ identity: 'system', lifecycle: 'Main' }],
        poolManagementEndpoint: VIEW.poolManagementEndpoint,
        provisioningState: 'Succeeded',
        customContainerTemplate: {
          registryCredentials: { server: 'r.azurecr.io', username: 'user', passwordSecretRef: 'registry-pw' },
          containers: [
            {
              name: 'main',
              env: [
                { name: 'PLAIN', value: 'visible' },
                { name: 'API_KEY', secretRef: 'api-key' },
              ],
              resources: { cpu: 1, memory: '2Gi' },
            },
          ],
          ingress: { targetPort: 8080 },
        },
      },
    });
  });

  it('remembers the definition of a spec it normalised', () => {
    const pool = spec(withSecrets());
    expect(definitionOf(pool)?.tags).toEqual({ team: 'a' });
    expect(definitionOf({ ...pool })).toBeUndefined();
  });

  it('withholds every env value of a copied spec whose pool has secrets', () => {
    const copy: PoolSpec = structuredClone(spec(withSecrets()));
    const view = poolSpecToArmResource(copy, VIEW);
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(JSON.stringify(view)).not.toContain(REGISTRY_SECRET);
    expect(view.properties.customContainerTemplate.containers[0]?.env).toEqual([
      { name: 'PLAIN' },
      { name: 'API_KEY' },
    ]);
  });

  it('shows env values of a copied spec without secrets, and uses a given definition', () => {
    const copy = structuredClone(spec(minimal({ customContainerTemplate: undefined, ...envOnly() })));
    expect(poolSpecToArmResource(copy, VIEW).properties.customContainerTemplate.containers[0]?.env).toEqual([
      { name: 'K', value: 'v' },
    ]);
    const withSecret = structuredClone(spec(withSecrets()));
    const checked = checkSessionPool(withSecrets(), 'pool');
    const definition = checked.ok ? checked.pool : undefined;
    const env = poolSpecToArmResource(withSecret, { ...VIEW, definition }).properties.customContainerTemplate
      .containers[0]?.env;
    expect(env).toEqual([
      { name: 'PLAIN', value: 'visible' },
      { name: 'API_KEY', secretRef: 'api-key' },
    ]);
  });

  it('round-trips: its output validates and normalises to the same spec (bar secret values)', () => {
    const original = spec(
      minimal({
        dynamicPoolConfiguration: {
          lifecycleConfiguration: { lifecycleType: 'OnContainerExit', maxAlivePeriodInSeconds: 1200 },
        },
        customContainerTemplate: {
          containers: [
            {
              image: 'img',
              resources: { cpu: 0.75, memory: '1.5Gi' },
              probes: [{ type: 'Startup', httpGet: { path: '/up', port: 80 } }],
            },
          ],
          ingress: { targetPort: 80 },
        },
      }),
    );
    const view = poolSpecToArmResource(original, VIEW);
    const again = spec(view);
    expect(again).toEqual(original);
  });
});

function envOnly(): Record<string, unknown> {
  return {
    customContainerTemplate: {
      containers: [{ image: 'img', env: [{ name: 'K', value: 'v' }] }],
      ingress: { targetPort: 80 },
    },
  };
}
