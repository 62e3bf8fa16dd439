import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SecretStore } from '../../emulator/secrets/secret-store.js';
import { filesUnder, poolBody, properties, startArm, type ArmHarness } from './support.js';

/**
 * Every rule of a PUT body, as ARM errors. A rejected request must leave nothing behind: no pool, no
 * container, no stored definition and no stored secret (each case carries a secret to prove it).
 */
const SECRET = 'hunter2-do-not-store';

function withTemplate(template: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return poolBody({
    properties: {
      secrets: [{ name: 'pw', value: SECRET }],
      customContainerTemplate: { containers: [{ image: 'img:1' }], ingress: { targetPort: 8080 }, ...template },
      ...extra,
    },
  });
}

function lifecycle(config: Record<string, unknown>): Record<string, unknown> {
  return withTemplate({}, { dynamicPoolConfiguration: config });
}

function container(fields: Record<string, unknown>): Record<string, unknown> {
  return withTemplate({ containers: [{ image: 'img:1', ...fields }] });
}

const CASES: { rule: string; name?: string; body: unknown; code: string; target?: string }[] = [
  { rule: 'pool names are 3–32 characters', name: 'ab', body: withTemplate({}), code: 'InvalidResourceName', target: 'name' },
  { rule: 'pool names are lowercase', name: 'MyPool', body: withTemplate({}), code: 'InvalidResourceName', target: 'name' },
  { rule: "pool names have no '--'", name: 'my--pool', body: withTemplate({}), code: 'InvalidResourceName', target: 'name' },
  { rule: 'pool names start with a letter', name: '1pool', body: withTemplate({}), code: 'InvalidResourceName', target: 'name' },
  { rule: 'a body name must match the URL', body: { ...withTemplate({}), name: 'other' }, code: 'InvalidParameterValue', target: 'name' },
  {
    rule: 'cooldown ≥ 300',
    body: lifecycle({ lifecycleConfiguration: { lifecycleType: 'Timed', cooldownPeriodInSeconds: 299 } }),
    code: 'InvalidParameterValue',
    target: 'properties.dynamicPoolConfiguration.lifecycleConfiguration.cooldownPeriodInSeconds',
  },
  {
    rule: 'cooldown ≤ 3600',
    body: lifecycle({ lifecycleConfiguration: { cooldownPeriodInSeconds: 3601 } }),
    code: 'InvalidParameterValue',
    target: 'properties.dynamicPoolConfiguration.lifecycleConfiguration.cooldownPeriodInSeconds',
  },
  {
    rule: 'legacy cooldown range too',
    body: lifecycle({ executionType: 'Timed', cooldownPeriodInSeconds: 10 }),
    code: 'InvalidParameterValue',
    target: 'properties.dynamicPoolConfiguration.cooldownPeriodInSeconds',
  },
  {
    rule: 'readySessionInstances ≥ 1',
    body: withTemplate({}, { scaleConfiguration: { maxConcurrentSessions: 5, readySessionInstances: 0 } }),
    code: 'SessionPoolInvalidReadySessionInstances',
    target: 'properties.scaleConfiguration.readySessionInstances',
  },
  {
    rule: 'readySessionInstances < maxConcurrentSessions',
    body: withTemplate({}, { scaleConfiguration: { maxConcurrentSessions: 5, readySessionInstances: 5 } }),
    code: 'SessionPoolInvalidReadySessionInstances',
    target: 'properties.scaleConfiguration.readySessionInstances',
  },
  { rule: 'cpu ≥ 0.25', body: container({ resources: { cpu: 0.1 } }), code: 'InvalidParameterValue', target: 'properties.customContainerTemplate.containers[0].resources.cpu' },
  { rule: 'cpu ≤ 2', body: container({ resources: { cpu: 4 } }), code: 'InvalidParameterValue', target: 'properties.customContainerTemplate.containers[0].resources.cpu' },
  { rule: 'memory ≥ 0.5Gi', body: container({ resources: { memory: '0.25Gi' } }), code: 'InvalidParameterValue', target: 'properties.customContainerTemplate.containers[0].resources.memory' },
  { rule: 'memory ≤ 4Gi', body: container({ resources: { memory: '8Gi' } }), code: 'InvalidParameterValue', target: 'properties.customContainerTemplate.containers[0].resources.memory' },
  { rule: 'memory is a quantity', body: container({ resources: { memory: 'lots' } }), code: 'InvalidParameterValue', target: 'properties.customContainerTemplate.containers[0].resources.memory' },
  { rule: 'cpu is a number', body: container({ resources: { cpu: '0.5' } }), code: 'InvalidRequestContent', target: 'properties.customContainerTemplate.containers[0].resources.cpu' },
  { rule: 'target port is required', body: withTemplate({ ingress: {} }), code: 'MissingRequiredParameter', target: 'properties.customContainerTemplate.ingress.targetPort' },
  { rule: 'target port ≤ 65535', body: withTemplate({ ingress: { targetPort: 70000 } }), code: 'InvalidParameterValue', target: 'properties.customContainerTemplate.ingress.targetPort' },
  { rule: 'an image is required', body: withTemplate({ containers: [{ name: 'main' }] }), code: 'MissingRequiredParameter', target: 'properties.customContainerTemplate.containers[0].image' },
  {
    rule: 'Timed takes no maxAlivePeriodInSeconds',
    body: lifecycle({ lifecycleConfiguration: { lifecycleType: 'Timed', maxAlivePeriodInSeconds: 600 } }),
    code: 'InvalidParameterValue',
    target: 'properties.dynamicPoolConfiguration.lifecycleConfiguration.maxAlivePeriodInSeconds',
  },
  {
    rule: 'OnContainerExit takes no cooldown',
    body: lifecycle({ lifecycleConfiguration: { lifecycleType: 'OnContainerExit', cooldownPeriodInSeconds: 600 } }),
    code: 'InvalidParameterValue',
    target: 'properties.dynamicPoolConfiguration.lifecycleConfiguration.cooldownPeriodInSeconds',
  },
  {
    rule: 'old and new lifecycle shapes cannot be mixed',
    body: lifecycle({ executionType: 'Timed', lifecycleConfiguration: { lifecycleType: 'Timed' } }),
    code: 'InvalidParameterValue',
    target: 'properties.dynamicPoolConfiguration',
  },
  {
    rule: 'env secretRef must name a secret',
    body: container({ env: [{ name: 'K', secretRef: 'missing' }] }),
    code: 'SecretRefNotFound',
    target: 'properties.customContainerTemplate.containers[0].env[0].secretRef',
  },
  {
    rule: 'registry passwordSecretRef must name a secret',
    body: withTemplate({ registryCredentials: { server: 'r.example', username: 'u', passwordSecretRef: 'missing' } }),
    code: 'SecretRefNotFound',
    target: 'properties.customContainerTemplate.registryCredentials.passwordSecretRef',
  },
  {
    rule: 'secrets need a value',
    body: withTemplate({}, { secrets: [{ name: 'pw' }] }),
    code: 'MissingRequiredParameter',
    target: 'properties.secrets[0].value',
  },
  {
    rule: 'code interpreter pools are not supported yet',
    body: poolBody({ properties: { containerType: 'PythonLTS', customContainerTemplate: null, secrets: [{ name: 'pw', value: SECRET }] } }),
    code: 'SessionPoolFeatureNotSupported',
    target: 'properties.containerType',
  },
  { rule: 'the body must be an object', body: [1, 2], code: 'InvalidRequestContent' },
];

describe('PUT validation', () => {
  let h: ArmHarness;
  beforeAll(async () => {
    h = await startArm();
  });
  afterAll(async () => {
    await h.stop();
  });

  for (const c of CASES) {
    it(`${c.rule} → 400 ${c.code}, and nothing is left behind`, async () => {
      const name = c.name ?? 'pool1';
      const response = await h.request('PUT', h.poolPath(name), { body: c.body });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-ms-error-code')).toBe(c.code);
      const error = response.body.error as { code: string; message: string; target?: string };
      expect(error.code).toBe(c.code);
      if (c.target) expect(error.target).toBe(c.target);
      expect(error.message.length).toBeGreaterThan(10);
      expect(response.text).not.toContain(SECRET);
      await expectNothingLeft(h);
    });
  }

  it('reports several problems as one MultipleErrorsOccurred with details', async () => {
    const body = poolBody({
      properties: {
        scaleConfiguration: { maxConcurrentSessions: 2, readySessionInstances: 2 },
        customContainerTemplate: { containers: [{ image: 'img:1', resources: { cpu: 9 } }], ingress: {} },
      },
    });
    const response = await h.request('PUT', h.poolPath('pool1'), { body });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'MultipleErrorsOccurred',
      details: [
        { code: 'SessionPoolInvalidReadySessionInstances', target: 'properties.scaleConfiguration.readySessionInstances' },
        { code: 'InvalidParameterValue', target: 'properties.customContainerTemplate.containers[0].resources.cpu' },
        { code: 'MissingRequiredParameter', target: 'properties.customContainerTemplate.ingress.targetPort' },
      ],
    });
    await expectNothingLeft(h);
  });

  it('invalid JSON is InvalidRequestContent, and the answer never quotes the body', async () => {
    const response = await h.request('PUT', h.poolPath('pool1'), { rawBody: `{"properties":{"secrets":[{"value":"${SECRET}"` });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'InvalidRequestContent' } });
    expect(response.text).not.toContain(SECRET);
    expect(h.logs.join('\n')).not.toContain(SECRET);
  });

  it('refuses a malformed subscription id or resource group name', async () => {
    const badSub = await h.request('GET', '/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.App/sessionPools/pool1');
    expect(badSub.status).toBe(400);
    expect(badSub.body).toMatchObject({ error: { code: 'InvalidSubscriptionId' } });
    const badGroup = await h.request('GET', h.poolPath('pool1', 'bad.'));
    expect(badGroup.status).toBe(400);
    expect(badGroup.body).toMatchObject({ error: { code: 'InvalidResourceGroupName' } });
  });
});

describe('updates that are not allowed', () => {
  let h: ArmHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  const ENV_A = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/a';
  const ENV_B = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/b';

  async function existingPool(): Promise<{ h: ArmHarness; stored: string; started: number }> {
    h = await startArm();
    await h.createPool('pool1', poolBody({ properties: { environmentId: ENV_A, secrets: [{ name: 'pw', value: 'first' }] } }));
    return { h, stored: await readFile(join(h.dataDir, 'pools.json'), 'utf8'), started: h.runtime.started.length };
  }

  async function expectUnchanged(state: { h: ArmHarness; stored: string; started: number }): Promise<void> {
    expect(await readFile(join(state.h.dataDir, 'pools.json'), 'utf8')).toBe(state.stored);
    expect(state.h.runtime.started.length).toBe(state.started);
    expect(state.h.emulator.getPool('pool1')?.generation).toBe(1);
    const secrets = await readFile(join(state.h.dataDir, 'secrets.json'), 'utf8');
    expect(secrets).toContain('first');
    expect(secrets).not.toContain('second');
  }

  it('containerType cannot change (PUT and PATCH)', async () => {
    const state = await existingPool();
    const put = await state.h.request('PUT', state.h.poolPath('pool1'), {
      body: poolBody({ properties: { containerType: 'PythonLTS', secrets: [{ name: 'pw', value: 'second' }] } }),
    });
    expect(put.status).toBe(400);
    expect(put.body).toMatchObject({ error: { code: 'PropertyChangeNotAllowed', target: 'properties.containerType' } });
    const patch = await state.h.request('PATCH', state.h.poolPath('pool1'), { body: { properties: { containerType: 'NodeLTS' } } });
    expect(patch.body).toMatchObject({ error: { code: 'PropertyChangeNotAllowed', target: 'properties.containerType' } });
    await expectUnchanged(state);
  });

  it('environmentId cannot change; leaving it out keeps it', async () => {
    const state = await existingPool();
    const moved = await state.h.request('PATCH', state.h.poolPath('pool1'), {
      body: { properties: { environmentId: ENV_B, secrets: [{ name: 'pw', value: 'second' }] } },
    });
    expect(moved.status).toBe(400);
    expect(moved.body).toMatchObject({ error: { code: 'PropertyChangeNotAllowed', target: 'properties.environmentId' } });
    await expectUnchanged(state);
    const kept = await state.h.request('PUT', state.h.poolPath('pool1'), {
      body: poolBody({ properties: { secrets: [{ name: 'pw', value: 'first' }] } }),
    });
    expect(kept.status).toBe(200);
    expect(properties(kept.body).environmentId).toBe(ENV_A);
  });

  it('an invalid PATCH changes nothing', async () => {
    const state = await existingPool();
    const response = await state.h.request('PATCH', state.h.poolPath('pool1'), {
      body: { properties: { secrets: [{ name: 'pw', value: 'second' }], scaleConfiguration: { readySessionInstances: 50 } } },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'SessionPoolInvalidReadySessionInstances' } });
    await expectUnchanged(state);
  });
});

async function expectNothingLeft(h: ArmHarness): Promise<void> {
  expect(h.emulator.listPools()).toHaveLength(0);
  expect(h.runtime.started).toHaveLength(0);
  const files = (await filesUnder(h.dataDir)).map((file) => file.path);
  expect(files.some((path) => path.endsWith('pools.json') || path.endsWith('secrets.json'))).toBe(false);
  for (const file of await filesUnder(h.dataDir)) expect(file.text).not.toContain(SECRET);
}

describe('a pool that cannot be stored', () => {
  it('is not created: 500 with the reason, no pool, no container', async () => {
    const failing: SecretStore = {
      kind: 'file',
      description: 'a store that fails',
      get: async () => undefined,
      set: () => Promise.reject(new Error('disk full')),
      delete: async () => undefined,
      pools: async () => [],
      clear: async () => undefined,
    };
    const h = await startArm({ persistence: { secrets: failing } });
    try {
      const response = await h.request('PUT', h.poolPath('pool1'), { body: withTemplate({}) });
      expect(response.status).toBe(500);
      expect(response.body).toMatchObject({ error: { code: 'InternalServerError' } });
      expect(String((response.body.error as { message: string }).message)).toContain('could not be stored in the data folder: disk full');
      expect(response.text).not.toContain(SECRET);
      await expectNothingLeft(h);
    } finally {
      await h.stop();
    }
  });
});
