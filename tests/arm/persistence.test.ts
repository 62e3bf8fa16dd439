import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionPoolToSpec } from '../../emulator/config/normalize.js';
import type { PoolSpec } from '../../emulator/pool/spec.js';
import { resetStoredPools } from '../../emulator/store/reset.js';
import { until } from '../support/harness.js';
import { RG, SUB, filesUnder, poolBody, properties, startArm, type ArmHarness, type ArmResponse } from './support.js';

const SECRET = 's3cr3t-value-7f2a';
const REGISTRY_PASSWORD = 'registry-pass-91c4';

const running: ArmHarness[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.stop();
});

async function start(options: Parameters<typeof startArm>[0] = {}): Promise<ArmHarness> {
  const h = await startArm(options);
  running.push(h);
  return h;
}

/** Stops the emulator but keeps its data folder for the next run. */
async function restart(h: ArmHarness, options: Parameters<typeof startArm>[0] = {}): Promise<ArmHarness> {
  running.splice(running.indexOf(h), 1);
  await h.stop({ keepData: true });
  return start({ dataDir: h.dataDir, ...options });
}

function secretBody(image = 'private.example/app:1'): Record<string, unknown> {
  return poolBody({
    tags: { owner: 'me' },
    properties: {
      secrets: [
        { name: 'api-key', value: SECRET },
        { name: 'registry-pw', value: REGISTRY_PASSWORD },
      ],
      customContainerTemplate: {
        registryCredentials: { server: 'private.example', username: 'robot', passwordSecretRef: 'registry-pw' },
        containers: [{ image, env: [{ name: 'API_KEY', secretRef: 'api-key' }, { name: 'MODE', value: 'test' }] }],
        ingress: { targetPort: 8080 },
      },
    },
  });
}

function specFrom(name: string, body: Record<string, unknown>): PoolSpec {
  const result = sessionPoolToSpec(body, name, { subscriptionId: SUB, resourceGroup: RG, location: 'local' });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

describe('restart', () => {
  it('keeps pools created at run time, with their secrets, and starts their sessions again', async () => {
    const first = await start();
    await first.createPool('kept', secretBody());
    const before = (await first.request('GET', first.poolPath('kept'))).body;
    const second = await restart(first);
    expect(second.logs).toContain('restored 1 pool(s) created at run time');
    const after = await second.request('GET', second.poolPath('kept'));
    expect(after.status).toBe(200);
    expect({ ...after.body, properties: { ...properties(after.body), poolManagementEndpoint: '' } }).toEqual({
      ...before,
      properties: { ...properties(before), poolManagementEndpoint: '' },
    });
    const spec = second.emulator.getPool('kept')?.spec;
    expect(spec?.container.env).toEqual({ API_KEY: SECRET, MODE: 'test' });
    expect(spec?.registry).toEqual({ server: 'private.example', username: 'robot', password: REGISTRY_PASSWORD });
    await until(second.emulator, () => second.runtime.started.length > 0, 'a session of the restored pool');
    expect(second.runtime.started[0]?.env.API_KEY).toBe(SECRET);
  });

  it('forgets deleted pools', async () => {
    const first = await start();
    await first.createPool('gone');
    const deleted = await first.request('DELETE', first.poolPath('gone'));
    await first.settle(deleted.headers.get('location') ?? '');
    const second = await restart(first);
    expect(second.emulator.getPool('gone')).toBeUndefined();
  });

  it('stores pools that another host (the dashboard) created through the engine', async () => {
    const first = await start();
    first.emulator.createPool(specFrom('from-gui', secretBody()));
    await until(first.emulator, () => first.emulator.getPool('from-gui')?.state === 'ready', 'pool ready');
    await expect.poll(async () => readFile(join(first.dataDir, 'pools.json'), 'utf8').catch(() => '')).toContain('from-gui');
    const second = await restart(first);
    expect(second.emulator.getPool('from-gui')?.spec.container.env.API_KEY).toBe(SECRET);
  });
});

describe('secrets', () => {
  it('never appear in responses, logs, or any file but the 0600 secret store', async () => {
    const h = await start();
    const responses: ArmResponse[] = [];
    const created = await h.createPool('secretive', secretBody());
    responses.push(created);
    responses.push(await h.settle(created.headers.get('azure-asyncoperation') ?? ''));
    responses.push(await h.request('GET', h.poolPath('secretive')));
    responses.push(await h.request('GET', `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.App/sessionPools`));
    responses.push(await h.request('GET', `/subscriptions/${SUB}/providers/Microsoft.App/sessionPools`));
    const patched = await h.request('PATCH', h.poolPath('secretive'), { body: { properties: { scaleConfiguration: { readySessionInstances: 2 } } } });
    responses.push(patched, await h.settle(patched.headers.get('location') ?? ''));
    responses.push(await h.request('GET', h.poolPath('secretive'), { version: '2024-02-02-preview' }));
    const rejected = await h.request('PUT', h.poolPath('secretive'), {
      body: poolBody({ properties: { secrets: [{ name: 'x', value: SECRET }], scaleConfiguration: { readySessionInstances: 0 } } }),
    });
    responses.push(rejected);
    for (const response of responses) {
      expect(response.text).not.toContain(SECRET);
      expect(response.text).not.toContain(REGISTRY_PASSWORD);
      expect(response.headers.get('location') ?? '').not.toContain(SECRET);
    }
    expect(properties(responses[2]?.body ?? {}).secrets).toEqual([{ name: 'api-key' }, { name: 'registry-pw' }]);
    await h.stop({ keepData: true });
    running.splice(running.indexOf(h), 1);
    expect(h.logs.join('\n')).not.toContain(SECRET);
    const files = await filesUnder(h.dataDir);
    const secretsFile = join(h.dataDir, 'secrets.json');
    for (const file of files) {
      if (file.path === secretsFile) continue;
      expect(file.text, file.path).not.toContain(SECRET);
      expect(file.text, file.path).not.toContain(REGISTRY_PASSWORD);
    }
    const store = files.find((file) => file.path === secretsFile);
    expect(store?.text).toContain(SECRET);
    expect(store?.text).toContain(REGISTRY_PASSWORD);
    if (process.platform !== 'win32') expect((await stat(secretsFile)).mode & 0o777).toBe(0o600);
    const poolFile = JSON.parse(await readFile(join(h.dataDir, 'pools.json'), 'utf8')) as { pools: { definition: { properties: { secrets: unknown } } }[] };
    expect(poolFile.pools[0]?.definition.properties.secrets).toEqual([{ name: 'api-key' }, { name: 'registry-pw' }]);
  });

  it('the choice of secret store is logged once at start', async () => {
    const h = await start();
    expect(h.logs.filter((line) => line.startsWith('secrets: kept in'))).toHaveLength(1);
  });

  it('a PATCH may send the secret list back without values (as GET shows it) and add one', async () => {
    const h = await start();
    await h.createPool('rotating', secretBody());
    const patched = await h.request('PATCH', h.poolPath('rotating'), {
      body: { properties: { secrets: [{ name: 'api-key' }, { name: 'registry-pw' }, { name: 'extra', value: 'more' }] } },
    });
    expect(patched.status).toBe(202);
    await h.settle(patched.headers.get('location') ?? '');
    const shown = await h.request('GET', h.poolPath('rotating'));
    expect(properties(shown.body).secrets).toEqual([{ name: 'api-key' }, { name: 'registry-pw' }, { name: 'extra' }]);
    const second = await restart(h);
    expect(second.emulator.getPool('rotating')?.spec.container.env.API_KEY).toBe(SECRET);
    expect(second.emulator.getPool('rotating')?.spec.secretNames).toContain('extra');
  });
});

describe('the config file and the store', () => {
  it('the config file wins for pools it names; the stored copy and its secrets are dropped', async () => {
    const first = await start();
    await first.createPool('shared', secretBody('runtime:1'));
    const second = await restart(first, { pools: [specFrom('shared', poolBody())] });
    expect(second.emulator.getPool('shared')?.spec.container.image).toBe('img:1');
    expect(second.logs).toContain("pool 'shared': the config file defines it, so its stored copy is discarded");
    await expect(readFile(join(second.dataDir, 'pools.json'), 'utf8')).rejects.toThrow();
    await expect(readFile(join(second.dataDir, 'secrets.json'), 'utf8')).rejects.toThrow();
  });

  it('run-time changes to config pools are not stored', async () => {
    const h = await start({ pools: [specFrom('seeded', poolBody())] });
    const patched = await h.request('PATCH', h.poolPath('seeded'), { body: { tags: { changed: 'yes' } } });
    expect(patched.status).toBe(200);
    expect(patched.body.tags).toEqual({ changed: 'yes' });
    await h.createPool('dynamic');
    const stored = await readFile(join(h.dataDir, 'pools.json'), 'utf8');
    expect(stored).toContain('"dynamic"');
    expect(stored).not.toContain('seeded');
  });

  it('start with reset forgets stored pools and secrets', async () => {
    const first = await start();
    await first.createPool('old', secretBody());
    running.splice(running.indexOf(first), 1);
    await first.stop({ keepData: true });
    const second = await start({ dataDir: first.dataDir, persistence: { reset: true } });
    expect(second.emulator.getPool('old')).toBeUndefined();
    for (const file of await filesUnder(second.dataDir)) expect(file.text).not.toContain(SECRET);
  });

  it('resetStoredPools (sessionite reset) clears the folder of a stopped emulator', async () => {
    const first = await start();
    await first.createPool('old', secretBody());
    running.splice(running.indexOf(first), 1);
    await first.stop({ keepData: true });
    expect(await resetStoredPools(first.dataDir, { loadKeytar: () => Promise.reject(new Error('none')) })).toEqual({ pools: ['old'] });
    const second = await start({ dataDir: first.dataDir });
    expect(second.emulator.listPools()).toHaveLength(0);
  });

  it('a damaged pool file is moved aside, not deleted, and the emulator starts', async () => {
    const first = await start();
    running.splice(running.indexOf(first), 1);
    await first.stop({ keepData: true });
    await writeFile(join(first.dataDir, 'pools.json'), '{ not json');
    const second = await start({ dataDir: first.dataDir });
    expect(second.logs.some((line) => line.includes('is damaged; moved it to'))).toBe(true);
    const aside = (await filesUnder(second.dataDir)).find((file) => file.path.includes('pools.json.damaged-'));
    expect(aside?.text).toBe('{ not json');
  });

  it('a stored pool whose secret went missing is reported and not started, and stays stored', async () => {
    const first = await start();
    await first.createPool('orphan', secretBody());
    running.splice(running.indexOf(first), 1);
    await first.stop({ keepData: true });
    await writeFile(join(first.dataDir, 'secrets.json'), JSON.stringify({ version: 1, pools: {} }), { mode: 0o600 });
    const second = await start({ dataDir: first.dataDir });
    expect(second.emulator.getPool('orphan')).toBeUndefined();
    expect(second.logs.find((line) => line.includes("stored pool 'orphan' is not valid"))).toContain('properties.secrets[0].value');
    expect(await readFile(join(second.dataDir, 'pools.json'), 'utf8')).toContain('orphan');
  });
});
