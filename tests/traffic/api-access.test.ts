import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAdminExtension } from '../../emulator/admin/index.js';
import { createTrafficExtension } from '../../emulator/traffic/index.js';
import type { RecordSummary, RequestListResponse } from '../../emulator/traffic/types.js';
import { raw } from '../admin/admin-client.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import { startEmulator, until, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';
import { startTraffic, type TrafficHarness } from './support.js';

let h: Harness | TrafficHarness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the requests API behind the admin guard', () => {
  it('registers with the admin API, which then guards it with its token', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sessionite-traffic-admin-'));
    const traffic = createTrafficExtension({ dataDir: dir, serveApi: false });
    const admin = createAdminExtension({ requireToken: true, routes: [traffic.adminRoutes] });
    h = await startEmulator({ pools: [testPool('p1', 'img:1')], runtime: new FakeRuntime(), extensions: [traffic, admin] });
    const harness = h;
    await until(harness.emulator, () => harness.emulator.getPool('p1')?.counts().ready === 1, 'ready');
    await (await fetch(h.url('p1', '/x', 'user-1'))).text();
    await traffic.flushed();
    const base = h.emulator.httpUrl;
    expect((await raw(base, 'GET', '/requests')).status).toBe(401);
    const listed = await raw(base, 'GET', '/requests', { headers: { 'x-sessionite-token': admin.token } });
    expect(listed.status).toBe(200);
    expect(listed.json<RequestListResponse>().items.map((s) => s.target)).toEqual(['/x']);
    const status = await raw(base, 'GET', '/status', { headers: { 'x-sessionite-token': admin.token } });
    expect(status.json<{ features: { requests: unknown } }>().features.requests).toEqual({ available: true });
    const foreign = await raw(base, 'GET', '/requests', { headers: { 'x-sessionite-token': admin.token, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
  });

  it('serves its own API to loopback names only, without a foreign Origin, and announces records', async () => {
    const harness = await startTraffic();
    h = harness;
    const base = harness.emulator.httpUrl;
    const announced: RecordSummary[] = [];
    const stop = harness.traffic.onRecord((summary) => announced.push(summary));
    await (await fetch(harness.url('p1', '/y', 'user-1'))).text();
    await harness.traffic.flushed();
    stop();
    expect(announced.map((s) => s.target)).toEqual(['/y']);
    expect((await raw(base, 'GET', '/_sessionite/api/requests')).status).toBe(200);
    expect((await raw(base, 'GET', '/_sessionite/api/requests', { headers: { host: 'evil.example' } })).status).toBe(403);
    expect((await raw(base, 'GET', '/_sessionite/api/requests', { headers: { origin: 'http://localhost:1234' } })).status).toBe(403);
    expect((await raw(base, 'POST', '/_sessionite/api/requests/pause', { headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
  });
});

describe('WebSocket handshakes', () => {
  it('records a refused upgrade with its status and code, never frames', async () => {
    const harness = await startTraffic();
    h = harness;
    const url = harness.url('p1', '/ws').replace(/^http/, 'ws');
    const socket = new WebSocket(url);
    socket.on('error', () => undefined);
    const status = await new Promise<number>((resolve) => socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    socket.terminate();
    expect(status).toBe(400);
    const record = await harness.latest((s) => s.upgrade !== undefined);
    expect(record).toMatchObject({ kind: 'data', upgrade: 'websocket', status: 400, errorCode: 'SessionRequestValidationFailed', pool: 'p1', target: '/ws' });
    expect(record.requestHeaders.upgrade).toBe('websocket');
  });
});
