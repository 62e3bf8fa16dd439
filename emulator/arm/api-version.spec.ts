import { describe, expect, it } from 'vitest';
import { poolSpecToArmResource } from '../config/arm-view.js';
import type { PoolSpec } from '../pool/spec.js';
import { ArmError } from './arm-errors.js';
import { KNOWN_API_VERSIONS, parseApiVersion, shapeOf, upgradeBody, viewForVersion, type ApiVersion } from './api-version.js';

function version(value: string): ApiVersion {
  const parsed = parseApiVersion(value);
  if (parsed instanceof ArmError) throw parsed;
  return parsed;
}

const spec: PoolSpec = {
  name: 'pool1',
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg',
  location: 'local',
  container: { name: 'main', image: 'img:1', command: [], args: [], env: {}, cpu: 0.25, memoryBytes: 2 ** 29, probes: [] },
  targetPort: 80,
  lifecycle: { type: 'Timed', cooldownMs: 300_000 },
  maxConcurrentSessions: 5,
  readySessionInstances: 1,
  egress: false,
  registry: { server: 'r.example' },
  secretNames: [],
  managedIdentityInSessions: false,
};

describe('parseApiVersion', () => {
  it('knows every version of the reference', () => {
    for (const value of KNOWN_API_VERSIONS) expect(version(value)).toMatchObject({ value, known: true });
  });

  it('accepts unknown well-formed versions as unknown, case-insensitively', () => {
    expect(version('2027-01-01')).toMatchObject({ known: false, date: '2027-01-01' });
    expect(version('2025-07-01-PREVIEW')).toMatchObject({ value: '2025-07-01-preview', known: false });
  });

  it('refuses missing and malformed versions with the ARM codes', () => {
    expect(parseApiVersion(undefined)).toMatchObject({ code: 'MissingApiVersionParameter', status: 400 });
    expect(parseApiVersion('')).toMatchObject({ code: 'MissingApiVersionParameter' });
    for (const bad of ['2025', '2025-02-30', 'v1', ['2025-07-01', '2025-07-01']]) {
      expect(parseApiVersion(bad)).toMatchObject({ code: 'InvalidApiVersionParameter', status: 400 });
    }
  });
});

describe('shapes', () => {
  it('picks the legacy lifecycle before 2025-01-01 and registryServer before 2024-08-02', () => {
    expect(shapeOf(version('2024-02-02-preview'))).toEqual({ legacyLifecycle: true, registryServerField: true });
    expect(shapeOf(version('2024-10-02-preview'))).toEqual({ legacyLifecycle: true, registryServerField: false });
    expect(shapeOf(version('2025-01-01'))).toEqual({ legacyLifecycle: false, registryServerField: false });
    expect(shapeOf(version('2023-05-01'))).toEqual({ legacyLifecycle: true, registryServerField: true });
  });

  it('writes old shapes for old versions and leaves OnContainerExit in the current shape', () => {
    const view = poolSpecToArmResource(spec, { poolManagementEndpoint: 'https://x', provisioningState: 'Succeeded' });
    const old = viewForVersion(view, { legacyLifecycle: true, registryServerField: true }) as { properties: Record<string, unknown> };
    expect(old.properties.dynamicPoolConfiguration).toEqual({ executionType: 'Timed', cooldownPeriodInSeconds: 300 });
    expect(old.properties.customContainerTemplate).toMatchObject({ registryCredentials: { registryServer: 'r.example' } });
    expect(view.properties.dynamicPoolConfiguration.lifecycleConfiguration.lifecycleType).toBe('Timed');
    const exit = poolSpecToArmResource({ ...spec, lifecycle: { type: 'OnContainerExit', maxAliveMs: 600_000 } }, {
      poolManagementEndpoint: 'https://x',
      provisioningState: 'Succeeded',
    });
    const oldExit = viewForVersion(exit, { legacyLifecycle: true, registryServerField: false }) as { properties: Record<string, unknown> };
    expect(oldExit.properties.dynamicPoolConfiguration).toEqual({
      lifecycleConfiguration: { lifecycleType: 'OnContainerExit', maxAlivePeriodInSeconds: 600 },
    });
  });

  it('upgrades old spellings of a request body without touching the input', () => {
    const body = {
      properties: {
        dynamicPoolConfiguration: { executionType: 'Timed', cooldownPeriodInSeconds: 900 },
        customContainerTemplate: { registryCredentials: { registryServer: 'r.example', username: 'u' } },
      },
    };
    expect(upgradeBody(body)).toEqual({
      properties: {
        dynamicPoolConfiguration: { lifecycleConfiguration: { lifecycleType: 'Timed', cooldownPeriodInSeconds: 900 } },
        customContainerTemplate: { registryCredentials: { server: 'r.example', username: 'u' } },
      },
    });
    expect(body.properties.dynamicPoolConfiguration).toEqual({ executionType: 'Timed', cooldownPeriodInSeconds: 900 });
    expect(upgradeBody('text')).toBe('text');
  });
});
