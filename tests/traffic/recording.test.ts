import { afterEach, describe, expect, it } from 'vitest';
import { createArmExtension, bearerAuthorizer } from '../../emulator/arm/index.js';
import type { Emulator } from '../../emulator/emulator.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import { json, until } from '../support/harness.js';
import { poolBody } from '../arm/support.js';
import type { RecordSummary } from '../../emulator/traffic/types.js';
import { startTraffic, type TrafficHarness } from './support.js';

let h: TrafficHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const PREFIX = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sessionite/sessionPools/p1';

describe('what is recorded', () => {
  it('records every field of a forwarded exchange', async () => {
    h = await startTraffic();
    const before = Date.now();
    const response = await fetch(h.url('p1', '/api/run', 'user-1') + '&x=1', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-custom': 'kept' },
      body: 'hello session',
    });
    const answer = await response.text();
    const record = await h.latest((s) => s.kind === 'data');
    expect(record).toMatchObject({
      kind: 'data',
      pool: 'p1',
      identifier: 'user-1',
      method: 'POST',
      scheme: 'http',
      path: `${PREFIX}/api/run`,
      target: '/api/run',
      query: 'identifier=user-1&x=1',
      status: 200,
      allocated: true,
      cold: false,
      outcome: 'completed',
      redactions: [],
    });
    expect(record.sessionId).toBe(response.headers.get('x-sessionite-session'));
    expect(record.requestHeaders).toMatchObject({ 'content-type': 'text/plain', 'x-custom': 'kept' });
    expect(record.requestBody).toEqual({ size: 13, encoding: 'utf8', data: 'hello session', truncated: false });
    expect(record.responseHeaders).toMatchObject({ 'content-type': 'application/json', 'x-sessionite-allocation': 'warm' });
    expect(record.responseBody).toEqual({ size: Buffer.byteLength(answer), encoding: 'utf8', data: answer, truncated: false });
    const t = record.timing;
    for (const key of ['waitMs', 'connectMs', 'ttfbMs', 'headersMs', 'totalMs'] as const) expect(t[key]).toBeGreaterThanOrEqual(0);
    expect(t.totalMs).toBeGreaterThanOrEqual(t.headersMs ?? 0);
    expect(Date.parse(record.time)).toBeGreaterThanOrEqual(before - 5);
    expect(record.errorCode).toBeUndefined();
    // A second request reuses the session: not allocated by it.
    await (await fetch(h.url('p1', '/again', 'user-1'))).text();
    const second = await h.latest((s) => s.target === '/again');
    expect(second).toMatchObject({ allocated: false, sessionId: record.sessionId });
  });

  it('records a repeated response header as a list, each value redacted where it is a secret', async () => {
    h = await startTraffic();
    await (await fetch(h.url('p1', '/repeated-headers', 'user-1'))).text();
    const record = await h.latest((s) => s.target === '/repeated-headers');
    expect(record.responseHeaders['x-multi']).toEqual(['one', 'two']);
    expect(record.responseHeaders['set-cookie']).toEqual(['[REDACTED]', '[REDACTED]']);
    expect(record.redactions).toContain('header:set-cookie');
  });

  it('sends nothing to a session for a client that left during its cold start, and does not keep the session busy', async () => {
    const runtime = new FakeRuntime();
    h = await startTraffic({ runtime });
    runtime.holdStarts = true;
    await (await fetch(h.url('p1', '/', 'warm-one'))).text();
    const left = new Promise<RecordSummary>((resolve) => {
      const stop = h!.traffic.onRecord((summary) => {
        if (summary.target !== '/left') return;
        stop();
        resolve(summary);
      });
    });
    const client = new AbortController();
    const pending = fetch(h.url('p1', '/left', 'cold-one'), { signal: client.signal }).catch(() => 'gave up');
    await until(h.emulator, () => h!.emulator.getPool('p1')?.queued === 1, 'cold-one waiting for a start');
    client.abort();
    expect(await pending).toBe('gave up');
    // Recorded once the emulator has seen the client go, while the start is still held.
    expect(await left).toMatchObject({ outcome: 'aborted' });
    const completed = h.emulator.events.waitFor('request.completed', (event) => event.identifier === 'cold-one');
    runtime.releaseStarts();
    await completed;
    expect(runtime.requests.filter((request) => request.includes('/left'))).toEqual([]);
    const session = h.emulator.getPool('p1')?.allSessions().find((s) => s.identifier === 'cold-one');
    expect(session?.inflight).toBe(0);
  });

  it('records a cold start as the wait', async () => {
    const runtime = new FakeRuntime();
    h = await startTraffic({ runtime });
    // Every start from now on waits: the ready session goes to warm-one, cold-one waits for a start.
    runtime.holdStarts = true;
    await (await fetch(h.url('p1', '/', 'warm-one'))).text();
    const pending = fetch(h.url('p1', '/', 'cold-one'));
    setTimeout(() => runtime.releaseStarts(), 150);
    await (await pending).text();
    const record = await h.latest((s) => s.identifier === 'cold-one');
    expect(record).toMatchObject({ allocated: true, cold: true });
    expect(record.timing.waitMs).toBeGreaterThanOrEqual(100);
  });

  it('records management calls answered by the platform', async () => {
    h = await startTraffic();
    await (await fetch(h.url('p1', '/', 'user-1'))).text();
    const response = await fetch(h.url('p1', '/.management/getSession', 'user-1') + '&api-version=2025-02-02-preview', { method: 'POST' });
    const body = await json(response);
    const record = await h.latest((s) => s.kind === 'management');
    expect(record).toMatchObject({ kind: 'management', pool: 'p1', identifier: 'user-1', target: '/.management/getSession', status: 200, method: 'POST' });
    expect(JSON.parse(record.responseBody.data)).toEqual(body);
    expect(record.sessionId).toBeUndefined();
  });

  it('records errors with their code and Azure body', async () => {
    h = await startTraffic();
    const missing = await fetch(h.url('p1', '/x'));
    await missing.text();
    const unknownPool = await fetch(h.url('p1', '/', 'user-1').replace('/sessionPools/p1', '/sessionPools/nope'));
    await unknownPool.text();
    const unknownRoute = await fetch(`${h.emulator.httpUrl}/nothing/here`);
    await unknownRoute.text();
    const [a, b, c] = await Promise.all([
      h.latest((s) => s.target === '/x'),
      h.latest((s) => s.pool === 'nope'),
      h.latest((s) => s.path === '/nothing/here'),
    ]);
    expect(a).toMatchObject({ kind: 'data', status: 400, errorCode: 'SessionRequestValidationFailed', pool: 'p1' });
    expect(JSON.parse(a.responseBody.data)).toMatchObject({ error: { code: 'SessionRequestValidationFailed' } });
    expect(b).toMatchObject({ kind: 'data', status: 404, errorCode: 'SessionPoolNotFound' });
    expect(c).toMatchObject({ kind: 'other', status: 404, errorCode: 'NotFound' });
  });

  it('records a session that cannot be reached as a 502 with its code', async () => {
    const runtime = new FakeRuntime();
    h = await startTraffic({ runtime });
    const first = await fetch(h.url('p1', '/', 'gone-1'));
    const id = (await json(first)).container as string;
    // The container's server closes but the engine reports no exit: the next request cannot connect.
    const container = runtime.containers.get(id)!;
    container.server.close();
    container.server.closeAllConnections();
    const failed = await fetch(h.url('p1', '/', 'gone-1'));
    await failed.text();
    expect(failed.status).toBe(502);
    const record = await h.latest((s) => s.identifier === 'gone-1' && s.status === 502);
    expect(record.errorCode).toBe('SessionConnectionFailed');
    expect(record.sessionId).toBe(failed.headers.get('x-sessionite-session'));
  });

  it('records token exchanges and infers their kind', async () => {
    h = await startTraffic({ auth: { mode: 'basic' } });
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'app-1', client_secret: 's3cret-value', scope: 'https://dynamicsessions.io/.default' });
    const issued = await fetch(`${h.emulator.httpUrl}/common/oauth2/v2.0/token`, { method: 'POST', body: form });
    expect(issued.status).toBe(200);
    await issued.text();
    const refused = await fetch(`${h.emulator.httpUrl}/common/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'app-1' }) });
    await refused.text();
    const ok = await h.latest((s) => s.kind === 'token' && s.status === 200);
    expect(ok).toMatchObject({ kind: 'token', method: 'POST', path: '/common/oauth2/v2.0/token' });
    expect(ok.requestBody.data).toContain('client_secret=[REDACTED]');
    expect(JSON.parse(ok.responseBody.data)).toMatchObject({ access_token: '[REDACTED]', token_type: 'Bearer' });
    const bad = await h.latest((s) => s.kind === 'token' && s.status >= 400);
    expect(bad.errorCode).toMatch(/^invalid_/);
  });

  it('records ARM exchanges with the pool they name', async () => {
    const ref: { emulator?: Emulator } = {};
    const arm = createArmExtension({
      authorize: bearerAuthorizer((header, origin) => ref.emulator!.identity.verifyArm(header, origin)),
    });
    h = await startTraffic({ auth: { mode: 'basic' }, extensions: [arm] });
    ref.emulator = h.emulator;
    const token = await h.emulator.identity.issueToken({ resource: h.emulator.httpUrl });
    const url = `${h.emulator.httpUrl}/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sessionite/providers/Microsoft.App/sessionPools/armpool?api-version=2025-07-01`;
    const body = poolBody({ properties: { secrets: [{ name: 'db', value: 'arm-secret-value-42' }] } });
    const created = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${token.accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await created.text();
    const record = await h.latest((s) => s.kind === 'arm' && s.method === 'PUT');
    expect(record).toMatchObject({ kind: 'arm', pool: 'armpool', status: created.status, query: 'api-version=2025-07-01' });
    expect(record.requestHeaders.authorization).toBe('Bearer [REDACTED]');
    expect(record.requestBody.data).not.toContain('arm-secret-value-42');
    expect(JSON.parse(record.requestBody.data)).toMatchObject({ properties: { secrets: [{ name: 'db', value: '[REDACTED]' }] } });
  });

  it('does not record the admin API, the dashboard or health checks', async () => {
    h = await startTraffic();
    await (await fetch(`${h.emulator.httpUrl}/healthz`)).text();
    await (await fetch(`${h.emulator.httpUrl}/_sessionite/api/requests`)).text();
    await (await fetch(`${h.emulator.httpUrl}/_SESSIONITE/anything`)).text();
    await h.traffic.flushed();
    expect(h.traffic.list().total).toBe(0);
  });
});
