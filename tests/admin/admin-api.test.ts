import { afterEach, describe, expect, it } from 'vitest';
import { createAdminExtension, type AdminOptions } from '../../emulator/admin/index.js';
import type {
  AdminErrorBody,
  EventBatch,
  IdentityInfo,
  IssueTokenResponse,
  PoolDetail,
  PoolSummary,
  SessionsResponse,
  StatusResponse,
} from '../../emulator/admin/contract.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import { startEmulator, until, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';
import { raw, readSse } from './admin-client.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function setup(options: Partial<AdminOptions> & { host?: string } = {}) {
  const runtime = new FakeRuntime();
  const admin = createAdminExtension({ ...options, listenHost: options.host ?? '127.0.0.1' });
  harness = await startEmulator({
    pools: [testPool('p1', 'img:1', { maxConcurrentSessions: 5, readySessionInstances: 1 })],
    runtime,
    extensions: [admin],
    host: options.host,
    auth: { mode: 'basic' },
  });
  await until(
    harness.emulator,
    () => harness?.emulator.getPool('p1')?.counts().ready === 1,
    'a ready session',
  );
  return { runtime, admin, h: harness, base: harness.emulator.httpUrl };
}

/** A data-plane token, issued through the admin API's identity route. */
async function bearer(base: string): Promise<Record<string, string>> {
  const issued = await raw(base, 'POST', '/identity/token', {
    body: { audience: 'https://dynamicsessions.io' },
  });
  expect(issued.status).toBe(200);
  return { authorization: `Bearer ${issued.json<{ accessToken: string }>().accessToken}` };
}

const validDefinition = {
  properties: {
    scaleConfiguration: { maxConcurrentSessions: 3, readySessionInstances: 1 },
    customContainerTemplate: {
      containers: [{ name: 'main', image: 'img:2', resources: { cpu: 0.5, memory: '1Gi' } }],
      ingress: { targetPort: 8080 },
    },
  },
};

describe('admin API guards', () => {
  it('answers on loopback names without a token', async () => {
    const { base } = await setup();
    for (const host of ['127.0.0.1', 'localhost']) {
      const port = new URL(base).port;
      const response = await raw(base, 'GET', '/status', { headers: { host: `${host}:${port}` } });
      expect(response.status, host).toBe(200);
    }
  });

  it('refuses a foreign Host (DNS rebinding) with 403 ForbiddenHost, for the API and the dashboard', async () => {
    const { base } = await setup();
    for (const path of ['/status', '/_sessionite/']) {
      const response = await raw(base, 'GET', path, { headers: { host: 'rebind.example:8080' } });
      expect(response.status, path).toBe(403);
      expect(response.json<AdminErrorBody>().error.code).toBe('ForbiddenHost');
    }
  });

  it('refuses a foreign Origin and cross-site fetches with 403 ForbiddenOrigin', async () => {
    const { base } = await setup();
    const foreign = await raw(base, 'DELETE', '/pools/p1', { headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.json<AdminErrorBody>().error.code).toBe('ForbiddenOrigin');
    const otherPort = await raw(base, 'GET', '/status', { headers: { origin: 'http://localhost:1' } });
    expect(otherPort.status).toBe(403);
    const crossSite = await raw(base, 'GET', '/status', { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    expect(harness?.emulator.getPool('p1')).toBeDefined();
    const own = await raw(base, 'GET', '/status', {
      headers: { origin: base, 'sec-fetch-site': 'same-origin' },
    });
    expect(own.status).toBe(200);
  });

  it('accepts an origin the host configured (Electron dev server)', async () => {
    const { base } = await setup({ allowedOrigins: ['http://localhost:5173'] });
    const response = await raw(base, 'GET', '/status', { headers: { origin: 'http://localhost:5173' } });
    expect(response.status).toBe(200);
  });

  it('refuses mutating requests that are not JSON (HTML forms)', async () => {
    const { base } = await setup();
    const response = await raw(base, 'POST', '/pools/p1/sessions/stop', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '0' },
    });
    expect(response.status).toBe(415);
  });

  it('requires the token when listening beyond loopback, and puts it in the dashboard URL', async () => {
    const { base, admin, h } = await setup({ host: '0.0.0.0' });
    const ready = h.emulator.readyInfo();
    expect(ready.dashboard).toBe(`${base}/_sessionite/#token=${admin.token}`);
    const without = await raw(base, 'GET', '/status');
    expect(without.status).toBe(401);
    expect(without.json<AdminErrorBody>().error.code).toBe('TokenRequired');
    const wrong = await raw(base, 'GET', '/status', { headers: { 'x-sessionite-token': 'x'.repeat(43) } });
    expect(wrong.status).toBe(401);
    const right = await raw(base, 'GET', '/status', { headers: { 'x-sessionite-token': admin.token } });
    expect(right.status).toBe(200);
    expect(right.json<StatusResponse>().tokenRequired).toBe(true);
    // IP-literal hosts are fine off loopback (rebinding needs a name); names are still refused.
    const byIp = await raw(base, 'GET', '/status', {
      headers: { host: '192.0.2.10:1234', 'x-sessionite-token': admin.token },
    });
    expect(byIp.status).toBe(200);
    const byName = await raw(base, 'GET', '/status', {
      headers: { host: 'attacker.example', 'x-sessionite-token': admin.token },
    });
    expect(byName.status).toBe(403);
  });

  it('does not require a token on loopback, and the ready line names the dashboard', async () => {
    const { base, h } = await setup();
    expect(h.emulator.readyInfo().dashboard).toBe(`${base}/_sessionite/`);
    expect((await raw(base, 'GET', '/status')).json<StatusResponse>().tokenRequired).toBe(false);
  });
});

describe('admin API routes', () => {
  it('reports status: engine, endpoints, limits and the features still to come', async () => {
    const { base } = await setup();
    const status = (await raw(base, 'GET', '/status')).json<StatusResponse>();
    expect(status.emulator.state).toBe('running');
    expect(status.runtime).toMatchObject({ available: true, version: '1.0', name: 'fake' });
    expect(status.endpoints).toMatchObject({ http: base, dashboard: `${base}/_sessionite/` });
    expect(status.endpoints.https).toMatch(/^https:/);
    expect(status.limits.capacityErrorStatus).toBe(429);
    expect(status.features.logs).toEqual({ available: false, arrivesWith: expect.any(String) as string });
    expect(status.auth.mode).toBe('basic');
  });

  it('lists pools with counts and endpoint, and shows one as its ARM view', async () => {
    const { base, h } = await setup();
    const pools = (await raw(base, 'GET', '/pools')).json<PoolSummary[]>();
    expect(pools).toHaveLength(1);
    expect(pools[0]).toMatchObject({
      name: 'p1',
      state: 'ready',
      image: 'img:1',
      counts: { ready: 1, starting: 0, allocated: 0, max: 5, readyTarget: 1 },
      endpoint: h.emulator.poolEndpoint('p1'),
      lifecycle: { type: 'Timed', cooldownSeconds: 300 },
    });
    const detail = (await raw(base, 'GET', '/pools/p1')).json<PoolDetail>();
    expect(detail.definition.properties.customContainerTemplate.containers[0]?.image).toBe('img:1');
    expect(detail.definition.properties.provisioningState).toBe('Succeeded');
    expect((await raw(base, 'GET', '/pools/nope')).status).toBe(404);
  });

  it('creates a pool through the ARM validation and reports field issues by ARM path', async () => {
    const { base, h } = await setup();
    const invalid = await raw(base, 'PUT', '/pools/pool-two', {
      body: {
        definition: {
          properties: {
            scaleConfiguration: { maxConcurrentSessions: 2, readySessionInstances: 2 },
            customContainerTemplate: { containers: [{ image: '' }], ingress: { targetPort: 8080 } },
          },
        },
      },
    });
    expect(invalid.status).toBe(400);
    const issues = invalid.json<AdminErrorBody>().error.issues ?? [];
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'properties.customContainerTemplate.containers[0].image',
      'properties.scaleConfiguration.readySessionInstances',
    ]);
    const created = await raw(base, 'PUT', '/pools/pool-two', {
      body: { definition: validDefinition },
      headers: { 'if-none-match': '*' },
    });
    expect(created.status).toBe(201);
    expect(created.json<PoolDetail>().summary).toMatchObject({ name: 'pool-two', image: 'img:2' });
    expect(h.emulator.getPool('pool-two')?.spec.maxConcurrentSessions).toBe(3);
    const again = await raw(base, 'PUT', '/pools/pool-two', {
      body: { definition: validDefinition },
      headers: { 'if-none-match': '*' },
    });
    expect(again.status).toBe(409);
    const badName = await raw(base, 'PUT', '/pools/Bad_Name', { body: { definition: validDefinition } });
    expect(badName.json<AdminErrorBody>().error.issues?.[0]?.path).toBe('name');
  });

  it('replaces a pool, keeping secret values the edit form cannot resend', async () => {
    const { base, h } = await setup();
    const withSecret = {
      properties: {
        ...validDefinition.properties,
        secrets: [{ name: 'api-key', value: 's3cret' }],
        customContainerTemplate: {
          ...validDefinition.properties.customContainerTemplate,
          containers: [{ image: 'img:2', env: [{ name: 'KEY', secretRef: 'api-key' }] }],
        },
      },
    };
    expect((await raw(base, 'PUT', '/pools/pool-three', { body: { definition: withSecret } })).status).toBe(
      201,
    );
    const shown = (await raw(base, 'GET', '/pools/pool-three')).text;
    expect(shown).not.toContain('s3cret');
    const edited = structuredClone(withSecret);
    edited.properties.secrets = [{ name: 'api-key' } as { name: string; value: string }];
    edited.properties.customContainerTemplate.containers = [
      { image: 'img:3', env: [{ name: 'KEY', secretRef: 'api-key' }] },
    ];
    const replaced = await raw(base, 'PUT', '/pools/pool-three', { body: { definition: edited } });
    expect(replaced.status).toBe(200);
    expect(h.emulator.getPool('pool-three')?.spec.container).toMatchObject({
      image: 'img:3',
      env: { KEY: 's3cret' },
    });
  });

  it('deletes a pool', async () => {
    const { base, h } = await setup();
    expect((await raw(base, 'DELETE', '/pools/p1')).status).toBe(204);
    expect(h.emulator.getPool('p1')).toBeUndefined();
    expect((await raw(base, 'DELETE', '/pools/p1')).status).toBe(404);
  });

  it('lists live sessions with their countdown and stops one', async () => {
    const { base, h } = await setup();
    await fetch(h.url('p1', '/', 'user-0001'), { headers: await bearer(base) });
    const listed = (await raw(base, 'GET', '/pools/p1/sessions')).json<SessionsResponse>();
    expect(listed.sessions).toHaveLength(1);
    const row = listed.sessions[0];
    expect(row).toMatchObject({ identifier: 'user-0001', state: 'allocated', requestCount: 1, inflight: 0 });
    expect(Date.parse(row?.expiresAt ?? '') - Date.parse(listed.now)).toBeGreaterThan(290_000);
    const stopped = await raw(base, 'POST', '/pools/p1/sessions/stop', { body: { identifier: 'user-0001' } });
    expect(stopped.status).toBe(204);
    expect((await raw(base, 'GET', '/pools/p1/sessions')).json<SessionsResponse>().sessions).toEqual([]);
    const missing = await raw(base, 'POST', '/pools/p1/sessions/stop', { body: { identifier: 'user-0001' } });
    expect(missing.status).toBe(404);
  });

  it('sends a composed request through the pool endpoint', async () => {
    const { base } = await setup();
    const response = await raw(base, 'POST', '/pools/p1/send', {
      body: {
        identifier: 'user-0002',
        method: 'POST',
        path: '/echo?x=1',
        headers: { 'x-test': 'yes' },
        body: 'hello',
      },
    });
    expect(response.status).toBe(200);
    const sent = response.json<{ status: number; body: string; headers: Record<string, string> }>();
    expect(sent.status).toBe(200);
    expect(sent.headers['x-sessionite-allocation']).toBe('warm');
    const echoed = JSON.parse(sent.body) as {
      method: string;
      url: string;
      body: string;
      headers: Record<string, string>;
    };
    expect(echoed).toMatchObject({ method: 'POST', body: 'hello' });
    expect(echoed.url).toContain('/echo?x=1');
    expect(echoed.headers['x-test']).toBe('yes');
  });

  it('describes the identity and issues tokens for a chosen audience', async () => {
    const { base, h } = await setup();
    const info = (await raw(base, 'GET', '/identity')).json<IdentityInfo>();
    expect(info).toMatchObject({ mode: 'basic', https: h.emulator.httpsUrl });
    expect(info.trustInstructions).toContain('NODE_EXTRA_CA_CERTS');
    expect(info.managedIdentity.endpoint.startsWith(base)).toBe(true);
    const token = (
      await raw(base, 'POST', '/identity/token', { body: { audience: 'https://management.azure.com' } })
    ).json<IssueTokenResponse>();
    const claims = JSON.parse(Buffer.from(token.accessToken.split('.')[1] ?? '', 'base64url').toString()) as {
      aud: string;
    };
    expect(claims.aud).toContain('management.azure.com');
    expect((await raw(base, 'POST', '/identity/token', { body: { audience: '' } })).status).toBe(400);
  });

  it('mounts routes other modules register, behind the same guard, and reports their feature available', async () => {
    const { Router } = await import('express');
    const logs = Router().post('/logs/query', (req, res) => {
      res.json({
        columns: [{ name: 'Log_s', type: 'string' }],
        rows: [[(req.body as { query: string }).query]],
        truncated: false,
        elapsedMs: 1,
      });
    });
    const { base } = await setup({ routes: [{ feature: 'logs', router: () => logs }] });
    expect((await raw(base, 'GET', '/status')).json<StatusResponse>().features.logs).toEqual({
      available: true,
    });
    const answered = await raw(base, 'POST', '/logs/query', { body: { query: 'T | take 1' } });
    expect(answered.json<{ rows: unknown[][] }>().rows).toEqual([['T | take 1']]);
    const foreign = await raw(base, 'POST', '/logs/query', {
      body: { query: 'x' },
      headers: { host: 'evil.example' },
    });
    expect(foreign.status).toBe(403);
  });

  it('says which features are not available yet instead of faking them', async () => {
    const { base } = await setup();
    for (const path of ['/requests', '/logs/query']) {
      const response = await raw(base, 'GET', path);
      expect(response.status, path).toBe(501);
      expect(response.json<AdminErrorBody>().error).toMatchObject({
        code: 'FeatureNotAvailable',
        arrivesWith: expect.any(String) as string,
      });
    }
  });

  it('streams engine events as batched server-sent events, replaying recent ones first', async () => {
    const { base, h } = await setup();
    const stream = readSse<EventBatch>(base, '/events');
    try {
      expect(await stream.contentType).toContain('text/event-stream');
      // The first message replays what happened before the connection; the request comes after it.
      await stream.next((b) => b.replay);
      await fetch(h.url('p1', '/', 'user-0003'), { headers: await bearer(base) }).then((r) =>
        r.arrayBuffer(),
      );
      await stream.next((b) => !b.replay && b.events.some((e) => e.event.type === 'request.completed'));
    } finally {
      stream.close();
    }
    const batches = stream.messages;
    expect(batches[0]?.replay).toBe(true);
    expect(batches[0]?.events.map((e) => e.event.type)).toContain('session.ready');
    const live = batches.filter((b) => !b.replay).flatMap((b) => b.events);
    expect(live.map((e) => e.event.type)).toEqual(
      expect.arrayContaining(['session.allocated', 'request.completed']),
    );
    const seqs = batches.flatMap((b) => b.events.map((e) => e.seq));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });
});
