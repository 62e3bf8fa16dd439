import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../emulator/clock.js';
import type { RecorderState, RequestListResponse } from '../../emulator/traffic/types.js';
import { json } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';
import { startTraffic, type TrafficHarness } from './support.js';

let h: TrafficHarness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await h?.stop();
  h = undefined;
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function send(harness: TrafficHarness, n: number, body = '', identifier = 'user-1'): Promise<void> {
  for (let i = 0; i < n; i++) {
    const response = await fetch(harness.url('p1', `/n/${i}`, identifier), { method: body ? 'POST' : 'GET', body: body || undefined });
    await response.arrayBuffer();
  }
  await harness.traffic.flushed();
}

async function diskBytes(dir: string): Promise<number> {
  let total = 0;
  for (const file of await readdir(dir)) total += (await stat(join(dir, file))).size;
  return total;
}

describe('bodies', () => {
  it('stores bodies up to the cap with the full size and a truncation marker', async () => {
    h = await startTraffic({ traffic: { bodyCapBytes: 1024 } });
    const body = 'a'.repeat(5000);
    await (await fetch(h.url('p1', '/cap', 'user-1'), { method: 'POST', body })).text();
    const record = await h.latest((s) => s.target === '/cap');
    expect(record.requestBody).toEqual({ size: 5000, encoding: 'utf8', data: 'a'.repeat(1024), truncated: true });
    expect(record.responseBody.truncated).toBe(true);
    expect(Buffer.byteLength(record.responseBody.data)).toBe(1024);
    expect(record.responseBody.size).toBeGreaterThan(5000);
  });

  it('stores binary bodies as base64', async () => {
    h = await startTraffic();
    const bytes = Buffer.from([0, 1, 2, 255, 254, 0, 10]);
    await (await fetch(h.url('p1', '/bin', 'user-1'), { method: 'POST', body: bytes })).text();
    const record = await h.latest((s) => s.target === '/bin');
    expect(record.requestBody).toEqual({ size: 7, encoding: 'base64', data: bytes.toString('base64'), truncated: false });
  });

  it('passes a large upload and its answer through unchanged', async () => {
    h = await startTraffic({ traffic: { bodyCapBytes: 64 * 1024 } });
    // Printable random text: the echo container returns it inside JSON.
    const body = randomBytes(3 * 1024 * 1024).toString('base64');
    const response = await fetch(h.url('p1', '/upload', 'user-1'), { method: 'POST', body });
    const text = await response.text();
    const seen = JSON.parse(text) as { body: string };
    const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
    expect(sha(seen.body)).toBe(sha(body));
    const record = await h.latest((s) => s.target === '/upload');
    expect(record.requestBody.size).toBe(Buffer.byteLength(body));
    expect(record.responseBody.size).toBe(Buffer.byteLength(text));
    expect(record.requestBody.truncated).toBe(true);
  });
});

describe('bounds', () => {
  it('keeps at most maxRecords, dropping the oldest', async () => {
    h = await startTraffic({ traffic: { maxRecords: 5 } });
    await send(h, 12);
    const list = (await h.api<RequestListResponse>('GET', '/')).body;
    expect(list.total).toBe(5);
    expect(list.items.map((s) => s.target)).toEqual(['/n/11', '/n/10', '/n/9', '/n/8', '/n/7']);
  });

  it('keeps the disk within maxBytes plus one segment', async () => {
    const maxBytes = 512 * 1024;
    h = await startTraffic({ traffic: { maxBytes } });
    await send(h, 40, 'z'.repeat(60 * 1024));
    const state = (await h.api<RecorderState>('GET', '/state')).body;
    expect(state.bytes).toBeLessThanOrEqual(maxBytes);
    expect(state.records).toBeLessThan(40);
    expect(await diskBytes(h.trafficDir)).toBeLessThanOrEqual(maxBytes + 256 * 1024 + 64 * 1024);
  });

  it('drops records older than maxAgeMs', async () => {
    const clock = new ManualClock(Date.UTC(2026, 5, 1));
    h = await startTraffic({ clock, traffic: { maxAgeMs: 60_000 } });
    await send(h, 2);
    clock.advance(30_000);
    await send(h, 1, '', 'user-2');
    clock.advance(40_000);
    const list = (await h.api<RequestListResponse>('GET', '/')).body;
    expect(list.items.map((s) => s.identifier)).toEqual(['user-2']);
  });
});

describe('pause, resume, clear, restart', () => {
  it('records nothing while paused', async () => {
    h = await startTraffic();
    expect((await h.api<RecorderState>('POST', '/pause', {})).body.enabled).toBe(false);
    await send(h, 3);
    expect(h.traffic.list().total).toBe(0);
    expect((await h.api<RecorderState>('POST', '/resume', {})).body.enabled).toBe(true);
    await send(h, 2);
    expect(h.traffic.list().total).toBe(2);
    h.traffic.setEnabled(false);
    await send(h, 1);
    expect(h.traffic.list().total).toBe(2);
  });

  it('clears the store and leaves no record on disk', async () => {
    h = await startTraffic();
    await send(h, 3, 'some body');
    const cleared = await h.api<RecorderState>('DELETE', '/');
    expect(cleared.body.records).toBe(0);
    expect((await readdir(h.trafficDir)).filter((f) => f.startsWith('seg-'))).toEqual([]);
    await send(h, 1);
    const list = h.traffic.list();
    expect(list.total).toBe(1);
    expect(Number(list.items[0]!.id)).toBe(4);
  });

  it('keeps records across a restart and never reuses an id', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sessionite-traffic-keep-'));
    dirs.push(dataDir);
    h = await startTraffic({ traffic: { dataDir } });
    await send(h, 3);
    const before = (await h.latest((s) => s.target === '/n/2')).responseBody.data;
    await h.stop();
    h = await startTraffic({ traffic: { dataDir } });
    expect(h.traffic.list().items.map((s) => s.id)).toEqual(['3', '2', '1']);
    expect((await h.traffic.get('3'))?.responseBody.data).toBe(before);
    await send(h, 1);
    expect(h.traffic.list().items[0]?.id).toBe('4');
  });
});

describe('listing', () => {
  it('filters by pool, identifier, status class, method, text, time and slowness, and pages', async () => {
    h = await startTraffic({ pools: [testPool('p1', 'img:1', { maxConcurrentSessions: 20 }), testPool('p2', 'img:1')] });
    await send(h, 3, '', 'alice');
    await (await fetch(h.url('p2', '/other', 'bob1'), { method: 'DELETE' })).text();
    await (await fetch(h.url('p1', '/no-identifier'))).text();
    await h.traffic.flushed();
    const get = async (query: string) => (await h!.api<RequestListResponse>('GET', `/?${query}`)).body;
    expect((await get('pool=p2')).items.map((s) => s.identifier)).toEqual(['bob1']);
    expect((await get('identifier=alice')).total).toBe(3);
    expect((await get('status=4xx')).items.map((s) => s.target)).toEqual(['/no-identifier']);
    expect((await get('status=400')).total).toBe(1);
    // `error`: the emulator answered with an error code, or there was no (complete) response.
    expect((await get('status=error')).items.map((s) => s.target)).toEqual(['/no-identifier']);
    expect((await get('method=delete')).items.map((s) => s.pool)).toEqual(['p2']);
    expect((await get('q=N/1')).items.map((s) => s.target)).toEqual(['/n/1']);
    expect((await get('from=1m')).total).toBe(5);
    expect((await get(`to=${new Date(Date.now() - 3_600_000).toISOString()}`)).total).toBe(0);
    expect((await get('slow=60000')).total).toBe(0);
    const first = await get('limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.total).toBe(5);
    const second = await get(`limit=2&before=${first.nextBefore}`);
    const third = await get(`limit=2&before=${second.nextBefore}`);
    expect([...first.items, ...second.items, ...third.items].map((s) => s.id)).toEqual(['5', '4', '3', '2', '1']);
    expect(third.nextBefore).toBeUndefined();
    expect((await h.api('GET', '/?status=weird')).status).toBe(400);
  });

  it('shows one exchange in full and answers 404 for an unknown one', async () => {
    h = await startTraffic();
    const seen = await json(await fetch(h.url('p1', '/show', 'user-1')));
    await h.traffic.flushed();
    const [summary] = h.traffic.list({ text: '/show' }).items;
    const shown = await h.api('GET', `/${summary!.id}`);
    expect(shown.status).toBe(200);
    expect(JSON.parse((shown.body as { responseBody: { data: string } }).responseBody.data)).toEqual(seen);
    expect((await h.api('GET', '/999999')).status).toBe(404);
  });
});
