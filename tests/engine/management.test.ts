import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../emulator/clock.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import { json, startEmulator, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function setup(max = 10) {
  const runtime = new FakeRuntime();
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 12, 0, 0));
  harness = await startEmulator({
    pools: [testPool('p1', 'img:1', { maxConcurrentSessions: max, readySessionInstances: 1 })],
    runtime,
    clock,
  });
  return { runtime, clock, h: harness };
}

describe('/.management endpoints', () => {
  it('getSession returns the platform view and is not forwarded', async () => {
    const { runtime, h } = await setup();
    await fetch(h.url('p1', '/', 'user-1'));
    const response = await fetch(h.url('p1', '/.management/getSession', 'user-1') + '&api-version=2025-02-02-preview', {
      method: 'POST',
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(Object.keys(body).sort()).toEqual(['createdAt', 'etag', 'expiresAt', 'identifier', 'lastAccessedAt']);
    expect(body).toMatchObject({
      identifier: 'user-1',
      createdAt: '2026-11-27T12:00:00.000Z',
      lastAccessedAt: '2026-11-27T12:00:00.000Z',
      expiresAt: '2026-11-27T12:05:00.000Z',
    });
    expect(runtime.started).toHaveLength(2); // one allocated + one ready refill; nothing started for the call
  });

  it('getSession for an unknown identifier is 404 SessionNotFound', async () => {
    const { h } = await setup();
    const response = await fetch(h.url('p1', '/.management/getSession', 'nobody'), { method: 'POST' });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-ms-error-code')).toBe('SessionNotFound');
  });

  it('stopSession ends the session with the documented text', async () => {
    const { runtime, h } = await setup();
    const id = ((await json(await fetch(h.url('p1', '/', 'user-1')))).container as string);
    const response = await fetch(h.url('p1', '/.management/stopSession', 'user-1'), { method: 'POST' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toBe('Session user-1 in session pool p1 stopped.');
    expect(runtime.containers.has(id)).toBe(false);
    const again = await fetch(h.url('p1', '/.management/stopSession', 'user-1'), { method: 'POST' });
    expect(again.status).toBe(404);
  });

  it('stopSession needs POST and an identifier', async () => {
    const { h } = await setup();
    expect((await fetch(h.url('p1', '/.management/stopSession', 'user-1'))).status).toBe(405);
    const missing = await fetch(h.url('p1', '/.management/stopSession'), { method: 'POST' });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('x-ms-error-code')).toBe('SessionRequestValidationFailed');
  });

  it('listSessions pages at 300 with an absolute nextLink', async () => {
    const { h } = await setup(400);
    const ids = Array.from({ length: 301 }, (_, i) => `user-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(ids.slice(i, i + 50).map((id) => fetch(h.url('p1', '/', id)).then((r) => r.arrayBuffer())));
    }
    const page1 = await json(await fetch(h.url('p1', '/.management/listSessions'), { method: 'POST' }));
    expect(page1.count).toBe(301);
    expect(page1.value).toHaveLength(300);
    expect(typeof page1.nextLink).toBe('string');
    expect(String(page1.nextLink)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/subscriptions\/.*\/listSessions\?skip=300$/);
    const page2 = await json(await fetch(String(page1.nextLink), { method: 'POST' }));
    expect(page2.value).toHaveLength(1);
    expect(page2.nextLink).toBeNull();
    const seen = [...(page1.value as { identifier: string }[]), ...(page2.value as { identifier: string }[])];
    expect(new Set(seen.map((s) => s.identifier))).toEqual(new Set(ids));
  });

  it('unknown management operations are 404 and never reach a session', async () => {
    const { h } = await setup();
    const response = await fetch(h.url('p1', '/.management/metadata', 'user-1'), { method: 'POST' });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-ms-error-code')).toBe('NotFound');
    expect(h.emulator.getPool('p1')?.counts().allocated).toBe(0);
  });
});
