import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerAppsAPIClient as ClientV3 } from '@azure/arm-appcontainers';
import { ClientSecretCredential } from '@azure/identity';
import { ContainerAppsAPIClient as ClientV4 } from 'arm-appcontainers-4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArmExtension } from '../../emulator/arm/index.js';
import { Emulator } from '../../emulator/emulator.js';
import { PoolPersistence } from '../../emulator/store/persistence.js';
import { FakeRuntime } from '../support/fake-runtime.js';

/**
 * Contract: the real `@azure/arm-appcontainers` from npm (3.x, what npm resolves on Node 20, api-version
 * 2025-07-01; and 4.x, api-version 2026-07-01) drives create → get → list → update → delete against the
 * emulator over HTTPS, with tokens from the emulator's token service through `@azure/identity`, in
 * strict auth mode. The clients are unmodified: only `endpoint`, `authorityHost` and the trusted CA are set.
 */
const SUB = '3f2c8e51-7a0b-4c9e-9d1e-0b6a5c2d4e10';
const RG = 'contract-rg';

interface PoolResult {
  name?: string;
  location?: string;
  tags?: Record<string, string>;
  poolManagementEndpoint?: string;
  provisioningState?: string;
  scaleConfiguration?: { maxConcurrentSessions?: number; readySessionInstances?: number };
  secrets?: { name?: string; value?: string }[];
  customContainerTemplate?: { containers?: { image?: string }[] };
}

/** The operations both major versions share (4.x keeps the `begin*AndWait` names, deprecated). */
interface SessionPoolOperations {
  beginCreateOrUpdateAndWait(rg: string, name: string, body: PoolBody): Promise<PoolResult>;
  get(rg: string, name: string): Promise<PoolResult>;
  listByResourceGroup(rg: string): AsyncIterable<PoolResult>;
  listBySubscription(): AsyncIterable<PoolResult>;
  beginUpdateAndWait(rg: string, name: string, body: Partial<PoolBody>): Promise<PoolResult>;
  beginDeleteAndWait(rg: string, name: string): Promise<unknown>;
}

type PoolBody = Parameters<ClientV3['containerAppsSessionPools']['beginCreateOrUpdateAndWait']>[2];

const runtime = new FakeRuntime();
let emulator: Emulator;
let dataDir: string;
let credential: ClientSecretCredential;
let ca: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sessionite-contract-'));
  const persistence = new PoolPersistence({ dataDir, secrets: 'file' });
  emulator = new Emulator({
    pools: [],
    dataDir,
    port: 0,
    runtime,
    auth: { mode: 'strict' },
    extensions: [persistence, createArmExtension({ persistence })],
  });
  await emulator.start();
  await emulator.runtimeReady();
  ca = emulator.identity.tls.caPem ?? '';
  credential = new ClientSecretCredential(emulator.identity.tenantId, 'contract-test-app', 'any-secret', {
    authorityHost: emulator.httpsUrl,
    disableInstanceDiscovery: true,
    tlsOptions: { ca },
  });
});

afterAll(async () => {
  await emulator.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function body(image: string): PoolBody {
  return {
    location: 'westeurope',
    tags: { suite: 'contract' },
    containerType: 'CustomContainer',
    poolManagementType: 'Dynamic',
    scaleConfiguration: { maxConcurrentSessions: 4, readySessionInstances: 1 },
    dynamicPoolConfiguration: { lifecycleConfiguration: { lifecycleType: 'Timed', cooldownPeriodInSeconds: 300 } },
    secrets: [{ name: 'api-key', value: 'contract-secret-value' }],
    customContainerTemplate: {
      containers: [
        { name: 'main', image, env: [{ name: 'API_KEY', secretRef: 'api-key' }], resources: { cpu: 0.5, memory: '1Gi' } },
      ],
      ingress: { targetPort: 8080 },
    },
    sessionNetworkConfiguration: { status: 'EgressDisabled' },
  };
}

async function collect(iterable: AsyncIterable<PoolResult>): Promise<PoolResult[]> {
  const out: PoolResult[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** GET through the pool's data-plane endpoint over HTTPS with a data-plane token. */
async function dataPlaneGet(url: string): Promise<{ status: number; body: string }> {
  const token = await credential.getToken('https://dynamicsessions.io/.default');
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token.token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function createUpdateDelete(pools: SessionPoolOperations, name: string): Promise<void> {
  const created = await pools.beginCreateOrUpdateAndWait(RG, name, body('contract/img:1'));
  expect(created).toMatchObject({ name, location: 'westeurope', provisioningState: 'Succeeded' });
  expect(created.poolManagementEndpoint).toBe(`${emulator.httpsUrl}/subscriptions/${SUB}/resourceGroups/${RG}/sessionPools/${name}`);
  expect(created.secrets).toEqual([{ name: 'api-key' }]);

  const reached = await dataPlaneGet(`${created.poolManagementEndpoint}/hello?identifier=contract-user`);
  expect(reached.status).toBe(200);
  expect(JSON.parse(reached.body)).toMatchObject({ url: '/hello?identifier=contract-user' });

  expect(await pools.get(RG, name)).toMatchObject({ name, tags: { suite: 'contract' } });
  expect((await collect(pools.listByResourceGroup(RG))).map((p) => p.name)).toContain(name);
  expect((await collect(pools.listBySubscription())).map((p) => p.name)).toContain(name);

  const updated = await pools.beginUpdateAndWait(RG, name, {
    scaleConfiguration: { maxConcurrentSessions: 6, readySessionInstances: 2 },
    customContainerTemplate: { containers: [{ name: 'main', image: 'contract/img:2' }], ingress: { targetPort: 8080 } },
  });
  expect(updated).toMatchObject({
    provisioningState: 'Succeeded',
    scaleConfiguration: { maxConcurrentSessions: 6, readySessionInstances: 2 },
    customContainerTemplate: { containers: [{ image: 'contract/img:2' }] },
  });
  expect(emulator.getPool(name)?.counts().ready).toBe(2);

  await pools.beginDeleteAndWait(RG, name);
  expect(emulator.getPool(name)).toBeUndefined();
  await expect(pools.get(RG, name)).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
}

describe('@azure/arm-appcontainers against the emulator over HTTPS', () => {
  it('3.x (api-version 2025-07-01): create → get → list → update → delete', async () => {
    const client = new ClientV3(credential, SUB, { endpoint: emulator.httpsUrl, tlsOptions: { ca } });
    await createUpdateDelete(client.containerAppsSessionPools, 'contract-v3');
  });

  it('4.x (api-version 2026-07-01): create → get → list → update → delete', async () => {
    const client = new ClientV4(credential, SUB, { endpoint: emulator.httpsUrl, tlsOptions: { ca } });
    await createUpdateDelete(client.containerAppsSessionPools, 'contract-v4');
  });

  it('refuses a client without a token', async () => {
    const anonymous = { getToken: async () => ({ token: 'not-a-jwt', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const client = new ClientV3(anonymous, SUB, { endpoint: emulator.httpsUrl, tlsOptions: { ca }, retryOptions: { maxRetries: 0 } });
    await expect(client.containerAppsSessionPools.get(RG, 'anything')).rejects.toMatchObject({ statusCode: 401 });
  });
});
