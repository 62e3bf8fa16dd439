import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN_API_VERSIONS } from '../../emulator/arm/index.js';
import { SUB, poolBody, properties, startArm, type ArmHarness } from './support.js';

let h: ArmHarness;
beforeAll(async () => {
  h = await startArm();
});
afterAll(async () => {
  await h.stop();
});

const LIST = `/subscriptions/${SUB}/providers/Microsoft.App/sessionPools`;

describe('api-version', () => {
  it('accepts every version of the reference', async () => {
    for (const version of KNOWN_API_VERSIONS) {
      const response = await h.request('GET', LIST, { version });
      expect(response.status, version).toBe(200);
      expect(response.headers.get('x-sessionite-warning')).toBeNull();
    }
  });

  it('a missing version is MissingApiVersionParameter', async () => {
    const response = await h.request('GET', LIST, { version: null });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'MissingApiVersionParameter' } });
  });

  it('a malformed version is InvalidApiVersionParameter naming the supported ones', async () => {
    for (const version of ['latest', '2025-7-1', '2025-13-01', '2025-02-30', '2025-07-01-beta']) {
      const response = await h.request('GET', LIST, { version });
      expect(response.status, version).toBe(400);
      expect(response.body, version).toMatchObject({ error: { code: 'InvalidApiVersionParameter' } });
      expect(String((response.body.error as { message: string }).message)).toContain('2025-07-01');
    }
  });

  it('an unknown but well-formed version is served with a warning header, logged once', async () => {
    for (let i = 0; i < 2; i++) {
      const response = await h.request('GET', LIST, { version: '2027-03-01-preview' });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-sessionite-warning')).toContain('2027-03-01-preview');
    }
    expect(h.logs.filter((line) => line.includes('2027-03-01-preview'))).toHaveLength(1);
  });
});

describe('shapes of older versions', () => {
  const LEGACY = '2024-02-02-preview';

  it('takes the pre-2025-01-01 lifecycle and registryServer, and answers in that shape', async () => {
    const body = poolBody({
      properties: {
        dynamicPoolConfiguration: { executionType: 'Timed', cooldownPeriodInSeconds: 600 },
        secrets: [{ name: 'pw', value: 'registry-password' }],
        customContainerTemplate: {
          containers: [{ image: 'legacy.example/img:1' }],
          ingress: { targetPort: 80 },
          registryCredentials: { registryServer: 'legacy.example', username: 'me', passwordSecretRef: 'pw' },
        },
      },
    });
    const created = await h.request('PUT', h.poolPath('legacy'), { body, version: LEGACY });
    expect(created.status).toBe(201);
    expect(properties(created.body).dynamicPoolConfiguration).toEqual({ executionType: 'Timed', cooldownPeriodInSeconds: 600 });
    expect(h.emulator.getPool('legacy')?.spec.lifecycle).toEqual({ type: 'Timed', cooldownMs: 600_000 });
    expect(h.emulator.getPool('legacy')?.spec.registry).toEqual({ server: 'legacy.example', username: 'me', password: 'registry-password' });

    const old = properties((await h.request('GET', h.poolPath('legacy'), { version: LEGACY })).body);
    expect((old.customContainerTemplate as Record<string, unknown>).registryCredentials).toEqual({
      registryServer: 'legacy.example',
      username: 'me',
      passwordSecretRef: 'pw',
    });

    const middle = properties((await h.request('GET', h.poolPath('legacy'), { version: '2024-10-02-preview' })).body);
    expect(middle.dynamicPoolConfiguration).toEqual({ executionType: 'Timed', cooldownPeriodInSeconds: 600 });
    expect((middle.customContainerTemplate as { registryCredentials: Record<string, unknown> }).registryCredentials.server).toBe('legacy.example');

    const current = properties((await h.request('GET', h.poolPath('legacy'), { version: '2026-07-01' })).body);
    expect(current.dynamicPoolConfiguration).toEqual({ lifecycleConfiguration: { lifecycleType: 'Timed', cooldownPeriodInSeconds: 600 } });
    expect((current.customContainerTemplate as { registryCredentials: Record<string, unknown> }).registryCredentials).toEqual({
      server: 'legacy.example',
      username: 'me',
      passwordSecretRef: 'pw',
    });
  });

  it('a PATCH in the old shape merges into the current definition', async () => {
    await h.createPool('patched');
    const patched = await h.request('PATCH', h.poolPath('patched'), {
      version: LEGACY,
      body: { properties: { dynamicPoolConfiguration: { executionType: 'Timed', cooldownPeriodInSeconds: 900 } } },
    });
    expect(patched.status).toBe(202);
    await h.settle(patched.headers.get('location') ?? '');
    expect(h.emulator.getPool('patched')?.spec.lifecycle).toEqual({ type: 'Timed', cooldownMs: 900_000 });
  });
});

describe('auth', () => {
  it('every route needs the bearer token, before any other check', async () => {
    const routes: [string, string][] = [
      ['GET', h.poolPath('pool1')],
      ['PUT', h.poolPath('pool1')],
      ['PATCH', h.poolPath('pool1')],
      ['DELETE', h.poolPath('pool1')],
      ['GET', `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.App/sessionPools`],
      ['GET', LIST],
      ['GET', `/subscriptions/${SUB}/providers/Microsoft.App/locations/local/sessionPoolOperationStatuses/x`],
      ['GET', `/subscriptions/${SUB}/providers/Microsoft.App/locations/local/sessionPoolOperationResults/x`],
    ];
    for (const [method, path] of routes) {
      for (const version of [undefined, null]) {
        const response = await h.request(method, path, { token: null, version, body: method === 'PUT' ? poolBody() : undefined });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toContain('Bearer');
        expect(response.body).toMatchObject({ error: { code: 'AuthenticationFailed' } });
      }
    }
    expect(h.emulator.getPool('pool1')).toBeUndefined();
  });
});
