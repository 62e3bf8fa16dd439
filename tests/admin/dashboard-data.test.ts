import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminExtension } from '../../emulator/admin/index.js';
import type {
  AdminErrorBody,
  EventBatch,
  ReplayBatchResponse,
  RequestListResponse,
  SessionStatsResponse,
  SessionsResponse,
  StatusResponse,
} from '../../emulator/admin/contract.js';
import { createTrafficExtension } from '../../emulator/traffic/index.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import { startEmulator, until, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';
import { raw, readSse } from './admin-client.js';

/**
 * What the dashboard's Sessions and Requests views read beyond the core routes: per-session CPU and
 * memory (sampled on demand, bounded), and the request-recording routes mounted into the admin API
 * with their live summaries on the event stream.
 */
let harness: Harness | undefined;
let trafficDir: string | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  if (trafficDir) await rm(trafficDir, { recursive: true, force: true });
  trafficDir = undefined;
});

async function start(options: { recording?: boolean; statsIntervalMs?: number } = {}) {
  const runtime = new FakeRuntime();
  const extensions = [];
  let traffic;
  if (options.recording) {
    trafficDir = await mkdtemp(join(tmpdir(), 'sessionite-admin-traffic-'));
    traffic = createTrafficExtension({ dataDir: trafficDir, serveApi: false });
    extensions.push(traffic);
  }
  extensions.push(
    createAdminExtension({
      ...(traffic ? { routes: [traffic.adminRoutes], requests: traffic } : {}),
      sessionStats: { intervalMs: options.statsIntervalMs ?? 60_000 },
    }),
  );
  harness = await startEmulator({
    pools: [testPool('p1', 'img:1', { maxConcurrentSessions: 5, readySessionInstances: 1 })],
    runtime,
    extensions,
  });
  const h = harness;
  await until(h.emulator, () => h.emulator.getPool('p1')?.counts().ready === 1, 'a ready session');
  return { runtime, h, base: h.emulator.httpUrl };
}

describe('session CPU and memory', () => {
  it('reads allocated sessions through the runtime, at most once per interval', async () => {
    const { runtime, h, base } = await start();
    expect((await fetch(h.url('p1', '/', 'user-0001'))).status).toBe(200);
    const sessions = (await raw(base, 'GET', '/pools/p1/sessions')).json<SessionsResponse>().sessions;
    const sessionId = sessions[0]?.sessionId ?? '';
    const reads = runtime.statsReads;

    const first = await raw(base, 'GET', '/pools/p1/sessions/stats');
    expect(first.status).toBe(200);
    const body = first.json<SessionStatsResponse>();
    expect(body).toMatchObject({ pool: 'p1', intervalMs: 60_000, problem: '' });
    expect(Object.keys(body.stats)).toEqual([sessionId]);
    expect(body.stats[sessionId]).toMatchObject({ cpuCores: null, memoryBytes: 64 * 1024 * 1024 });
    expect(runtime.statsReads).toBe(reads + 1);

    // Within the interval the last readings are served; nothing else asks the engine.
    await raw(base, 'GET', '/pools/p1/sessions/stats');
    expect(runtime.statsReads).toBe(reads + 1);

    const missing = await raw(base, 'GET', '/pools/nope/sessions/stats');
    expect(missing.status).toBe(404);
    expect(missing.json<AdminErrorBody>().error.code).toBe('PoolNotFound');
  });
});

describe('recorded requests through the admin API', () => {
  it('serves the requests routes behind the admin guard and streams each new record', async () => {
    const { h, base } = await start({ recording: true });
    expect((await raw(base, 'GET', '/status')).json<StatusResponse>().features.requests).toEqual({
      available: true,
    });
    const stream = readSse<EventBatch>(base, '/events');
    try {
      await stream.next((b) => b.replay);
      expect((await fetch(h.url('p1', '/run', 'rec-0001'), { method: 'POST', body: '{"a":1}' })).status).toBe(
        200,
      );
      const batch = await stream.next((b) => (b.requests ?? []).some((r) => r.identifier === 'rec-0001'));
      expect(batch.requests?.find((r) => r.identifier === 'rec-0001')).toMatchObject({
        method: 'POST',
        target: '/run',
        status: 200,
        pool: 'p1',
      });
    } finally {
      stream.close();
    }
    const list = await raw(base, 'GET', '/requests?identifier=rec-0001');
    expect(list.json<RequestListResponse>().items).toHaveLength(1);
    const foreign = await raw(base, 'GET', '/requests', { headers: { host: 'rebind.example' } });
    expect(foreign.status).toBe(403);
  });

  it('takes a HAR import larger than the admin API’s own 2 MB body limit', async () => {
    const { h, base } = await start({ recording: true });
    const big = 'x'.repeat(3 * 1024 * 1024);
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'test', version: '1' },
        entries: [
          {
            request: {
              method: 'POST',
              url: `${h.emulator.poolEndpoint('p1')}/upload?identifier=har-0001`,
              headers: [{ name: 'content-type', value: 'text/plain' }],
              postData: { mimeType: 'text/plain', text: big },
            },
          },
        ],
      },
    };
    const answer = await raw(base, 'POST', '/requests/import', { body: { har, target: 'new' } });
    expect(answer.status).toBe(200);
    const result = answer.json<ReplayBatchResponse>().results[0];
    expect(result?.error).toBeUndefined();
    expect(result?.replay).toMatchObject({ status: 200, imported: true });
    expect(result?.replay?.identifier).not.toBe('har-0001');
  });
});
