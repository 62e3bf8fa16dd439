import { request as httpsRequest } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import type { Comparison, ReplayBatchResponse, ReplayResult } from '../../emulator/traffic/types.js';
import { startTraffic, type TrafficHarness } from './support.js';

let h: TrafficHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

interface Echo {
  container: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

async function original(harness: TrafficHarness, path: string, identifier: string, init: RequestInit = {}) {
  const response = await fetch(harness.url('p1', path, identifier), init);
  const echo = (await response.json()) as Echo;
  const record = await harness.latest((s) => s.target === path && s.identifier === identifier && !s.replayOf);
  return { echo, record };
}

const echoOf = (result: ReplayResult): Echo => JSON.parse(result.replay!.responseBody.data) as Echo;

describe('replay', () => {
  it('replays to the same identifier: same session, same answer, linked and compared', async () => {
    h = await startTraffic();
    const { echo, record } = await original(h, '/run', 'user-1', { method: 'POST', headers: { 'content-type': 'application/json', 'x-custom': 'a' }, body: '{"code":"1+1"}' });
    const replayed = await h.api<ReplayResult>('POST', `/${record.id}/replay`, {});
    expect(replayed.status).toBe(200);
    const result = replayed.body;
    expect(result.original).toBe(record.id);
    expect(result.replay).toMatchObject({ replayOf: record.id, identifier: 'user-1', sessionId: record.sessionId, allocated: false, status: 200 });
    // The session saw the same request: same container, method, URL, headers and body.
    expect(echoOf(result)).toEqual(echo);
    expect(result.comparison).toMatchObject({ a: record.id, b: result.replay!.id, status: { equal: true }, body: { equal: true, patch: '' } });
    expect(result.comparison!.headers.changes.every((c) => c.volatile)).toBe(true);
    // The link is listed and the comparison can be asked for again.
    expect((await h.api<{ total: number }>('GET', `/?replayOf=${record.id}`)).body.total).toBe(1);
    const compared = await h.api<Comparison>('GET', `/${record.id}/compare/${result.replay!.id}`);
    expect(compared.body.body.equal).toBe(true);
  });

  it('replays to a new identifier: a fresh session, and the difference shows', async () => {
    h = await startTraffic();
    const { echo, record } = await original(h, '/who', 'user-1');
    const result = (await h.api<ReplayResult>('POST', `/${record.id}/replay`, { target: 'new' })).body;
    const fresh = result.replay!;
    expect(fresh.identifier).toMatch(/^replay-[0-9a-f]{12}$/);
    expect(fresh).toMatchObject({ allocated: true, status: 200, replayOf: record.id });
    expect(fresh.sessionId).not.toBe(record.sessionId);
    expect(echoOf(result).container).not.toBe(echo.container);
    expect(result.comparison!.body.equal).toBe(false);
    expect(result.comparison!.body.patch).toContain(`-  "container": "${echo.container}"`);
    const named = (await h.api<ReplayResult>('POST', `/${record.id}/replay`, { identifier: 'chosen-one' })).body;
    expect(named.replay?.identifier).toBe('chosen-one');
  });

  it('replays with an edited method, path, query, headers and body', async () => {
    h = await startTraffic();
    const { record } = await original(h, '/orig', 'user-1', { method: 'POST', headers: { 'x-custom': 'a', 'x-gone': 'b' }, body: 'original' });
    const edits = { method: 'PUT', path: '/edited', query: 'identifier=user-1&x=2', headers: { 'x-custom': 'changed', 'x-gone': null, 'x-new': 'n' }, body: 'changed body' };
    const result = (await h.api<ReplayResult>('POST', `/${record.id}/replay`, edits)).body;
    const seen = echoOf(result);
    expect(seen).toMatchObject({ method: 'PUT', url: '/edited?identifier=user-1&x=2', body: 'changed body' });
    expect(seen.headers).toMatchObject({ 'x-custom': 'changed', 'x-new': 'n', 'content-length': '12' });
    expect(seen.headers['x-gone']).toBeUndefined();
    expect(result.replay).toMatchObject({ method: 'PUT', target: '/edited', replayOf: record.id });
    expect(result.comparison!.body.equal).toBe(false);
    const bad = await h.api<ReplayResult>('POST', `/${record.id}/replay`, { path: 'no-slash' });
    expect(bad.status).toBe(400);
    const badBody = await h.api<ReplayResult>('POST', `/${record.id}/replay`, { bogus: 1 });
    expect(badBody.status).toBe(400);
  });

  it('replays a sequence; a new identifier per original identifier keeps a conversation together', async () => {
    h = await startTraffic();
    const a = await original(h, '/a', 'alice');
    const b = await original(h, '/b', 'alice');
    const c = await original(h, '/c', 'carol');
    const batch = (await h.api<ReplayBatchResponse>('POST', '/replay', { ids: [a.record.id, b.record.id, c.record.id], target: 'new' })).body;
    const [ra, rb, rc] = batch.results.map((r) => r.replay!);
    expect(ra!.identifier).toBe(rb!.identifier);
    expect(rc!.identifier).not.toBe(ra!.identifier);
    expect(ra!.sessionId).toBe(rb!.sessionId);
    expect([ra, rb, rc].map((r) => r!.replayOf)).toEqual([a.record.id, b.record.id, c.record.id]);
    expect(ra!.seq).toBeLessThan(rb!.seq);
  });

  it('adds a fresh token when the emulator checks tokens, and is recorded even while paused', async () => {
    h = await startTraffic({ auth: { mode: 'basic' } });
    const token = (await h.emulator.identity.issueToken({ resource: 'https://dynamicsessions.io' })).accessToken;
    const response = await fetch(h.url('p1', '/secure', 'user-1'), { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    await response.text();
    const record = await h.latest((s) => s.target === '/secure');
    expect(record.requestHeaders.authorization).toBe('Bearer [REDACTED]');
    h.traffic.setEnabled(false);
    const result = (await h.api<ReplayResult>('POST', `/${record.id}/replay`, {})).body;
    expect(result.replay).toMatchObject({ status: 200, replayOf: record.id });
    const withoutToken = (await h.api<ReplayResult>('POST', `/${record.id}/replay`, { headers: { authorization: null } })).body;
    expect(withoutToken.replay?.status).toBe(401);
  });

  it('replays an HTTPS exchange over HTTPS, so the session sees the same forwarded proto', async () => {
    h = await startTraffic();
    const url = new URL(h.url('p1', '/tls', 'user-1').replace(h.emulator.httpUrl, h.emulator.httpsUrl!));
    const ca = h.emulator.identity.tls.caPem;
    const echo = await new Promise<Echo>((resolve, reject) => {
      const req = httpsRequest(url, { ca }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(JSON.parse(text) as Echo));
      });
      req.on('error', reject);
      req.end();
    });
    expect(echo.headers['x-forwarded-proto']).toBe('https');
    const record = await h.latest((s) => s.target === '/tls');
    const result = (await h.api<ReplayResult>('POST', `/${record.id}/replay`, {})).body;
    expect(result.replay?.scheme).toBe('https');
    expect(echoOf(result)).toEqual(echo);
  });

  it('refuses what cannot be replayed faithfully', async () => {
    h = await startTraffic({ traffic: { bodyCapBytes: 100 } });
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'x', client_secret: 'y', scope: 'https://dynamicsessions.io/.default' });
    await (await fetch(`${h.emulator.httpUrl}/common/oauth2/v2.0/token`, { method: 'POST', body: form })).text();
    const token = await h.latest((s) => s.kind === 'token');
    const refused = await h.api<ReplayResult>('POST', `/${token.id}/replay`, {});
    expect(refused.status).toBe(422);
    expect(refused.body.error).toContain('only pool requests can be replayed');
    const { record } = await original(h, '/big', 'user-1', { method: 'POST', body: 'b'.repeat(500) });
    const truncated = await h.api<ReplayResult>('POST', `/${record.id}/replay`, {});
    expect(truncated.status).toBe(422);
    expect(truncated.body.error).toContain('100 of 500');
    const edited = await h.api<ReplayResult>('POST', `/${record.id}/replay`, { body: 'small' });
    expect(edited.status).toBe(200);
    expect((await h.api('POST', '/424242/replay', {})).status).toBe(404);
    const missingPool = await h.api<ReplayResult>('POST', `/${record.id}/replay`, { pool: 'nope', body: 'x' });
    expect(missingPool.body.error).toContain("no pool named 'nope'");
  });
});
