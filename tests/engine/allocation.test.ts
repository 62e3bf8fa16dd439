import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeRuntime } from '../support/fake-runtime.js';
import { json, readyCount, startEmulator, until, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function container(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  return (await json(response)).container as string;
}

describe('allocation by identifier (fake runtime)', () => {
  it('binds an identifier to one session and reuses it', async () => {
    const runtime = new FakeRuntime();
    harness = await startEmulator({ pools: [testPool('p1', 'img:1', { readySessionInstances: 2 })], runtime });
    const a1 = await container(await fetch(harness.url('p1', '/x', 'user-a')));
    const a2 = await container(await fetch(harness.url('p1', '/y', 'user-a')));
    const b1 = await container(await fetch(harness.url('p1', '/x', 'user-b')));
    expect(a2).toBe(a1);
    expect(b1).not.toBe(a1);
  });

  it('gives concurrent first requests for one identifier exactly one session', async () => {
    const runtime = new FakeRuntime();
    harness = await startEmulator({
      pools: [testPool('p1', 'img:1', { readySessionInstances: 1, maxConcurrentSessions: 50 })],
      runtime,
    });
    const h = harness;
    const ids = await Promise.all(Array.from({ length: 40 }, () => fetch(h.url('p1', '/', 'same-user')).then(container)));
    expect(new Set(ids).size).toBe(1);
    expect(h.emulator.getPool('p1')?.counts().allocated).toBe(1);
  });

  it('waits for a starting session when none is ready (cold path) and says so', async () => {
    const runtime = new FakeRuntime();
    harness = await startEmulator({ pools: [testPool('p1', 'img:1', { readySessionInstances: 1 })], runtime });
    const h = harness;
    await until(h.emulator, () => readyCount(h.emulator, 'p1') === 1, 'one ready session');
    const warm = await fetch(h.url('p1', '/', 'first'));
    expect(warm.headers.get('x-sessionite-allocation')).toBe('warm');
    const cold = await Promise.all([fetch(h.url('p1', '/', 'second')), fetch(h.url('p1', '/', 'third'))]);
    expect(cold.map((r) => r.status)).toEqual([200, 200]);
    expect(cold.some((r) => r.headers.get('x-sessionite-allocation') === 'cold')).toBe(true);
    const again = await fetch(h.url('p1', '/', 'first'));
    expect(again.headers.get('x-sessionite-allocation')).toBe('existing');
  });

  it('refills the ready pool after allocation', async () => {
    const runtime = new FakeRuntime();
    harness = await startEmulator({ pools: [testPool('p1', 'img:1', { readySessionInstances: 2 })], runtime });
    const h = harness;
    await until(h.emulator, () => readyCount(h.emulator, 'p1') === 2, 'two ready sessions');
    await container(await fetch(h.url('p1', '/', 'user-1')));
    await until(h.emulator, () => readyCount(h.emulator, 'p1') === 2, 'refilled to two');
    expect(h.emulator.getPool('p1')?.counts()).toMatchObject({ ready: 2, allocated: 1 });
    expect(runtime.containers.size).toBe(3);
  });

  it('answers the capacity error at maxConcurrentSessions (429 by default)', async () => {
    const runtime = new FakeRuntime();
    harness = await startEmulator({
      pools: [testPool('p1', 'img:1', { readySessionInstances: 1, maxConcurrentSessions: 2 })],
      runtime,
    });
    await container(await fetch(harness.url('p1', '/', 'user-1')));
    await container(await fetch(harness.url('p1', '/', 'user-2')));
    const third = await fetch(harness.url('p1', '/', 'user-3'));
    expect(third.status).toBe(429);
    expect(third.headers.get('x-ms-error-code')).toBe('SessionPoolCapacityReached');
    const body = await json(third);
    expect(body.error).toMatchObject({ code: 'SessionPoolCapacityReached' });
    expect(String((body.error as { message: string }).message)).toContain('maximum of 2');
    expect(runtime.containers.size).toBe(2);
  });

  it('uses 404 for the capacity error when configured', async () => {
    harness = await startEmulator({
      pools: [testPool('p1', 'img:1', { readySessionInstances: 1, maxConcurrentSessions: 2 })],
      runtime: new FakeRuntime(),
      limits: { capacityErrorStatus: 404 },
    });
    await fetch(harness.url('p1', '/', 'user-1'));
    await fetch(harness.url('p1', '/', 'user-2'));
    expect((await fetch(harness.url('p1', '/', 'user-3'))).status).toBe(404);
  });

  it('bounds the allocation queue (503) and the allocation wait (504)', async () => {
    const runtime = new FakeRuntime();
    runtime.holdStarts = true;
    harness = await startEmulator({
      pools: [testPool('p1', 'img:1', { readySessionInstances: 1, maxConcurrentSessions: 10 })],
      runtime,
      limits: { maxQueuedAllocations: 1, allocationTimeoutMs: 300 },
    });
    const h = harness;
    const first = fetch(h.url('p1', '/', 'user-1'));
    await until(h.emulator, () => h.emulator.getPool('p1')?.queued === 1, 'one queued request');
    const second = await fetch(h.url('p1', '/', 'user-2'));
    expect(second.status).toBe(503);
    expect(second.headers.get('x-ms-error-code')).toBe('SessionAllocationQueueFull');
    const timedOut = await first;
    expect(timedOut.status).toBe(504);
    expect(timedOut.headers.get('x-ms-error-code')).toBe('SessionAllocationTimeout');
    runtime.releaseStarts();
  });

  it('fails a waiting request with the start error and the container\'s last output', async () => {
    const runtime = new FakeRuntime();
    runtime.failStarts = true;
    harness = await startEmulator({ pools: [testPool('p1', 'img:1', { readySessionInstances: 1 })], runtime });
    const response = await fetch(harness.url('p1', '/', 'user-1'));
    expect(response.status).toBe(502);
    expect(response.headers.get('x-ms-error-code')).toBe('SessionStartFailed');
    expect(JSON.stringify(await json(response))).toContain('fake start failure');
  });

  it('retries after a start-failure backoff even when its timer fires before the wall clock says so', async () => {
    const runtime = new FakeRuntime();
    runtime.failStarts = true;
    harness = await startEmulator({ pools: [testPool('p1', 'img:1', { readySessionInstances: 1 })], runtime });
    await harness.emulator.events.waitFor('session.startFailed');
    // A backoff is armed now. Node measures timers on its own clock, which may run ahead of Date.now()
    // (by up to a millisecond in practice): a wall clock lagging behind makes that certain.
    const realNow = Date.now.bind(Date);
    const lagging = vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 5);
    try {
      const retried = await harness.emulator.events.waitFor('session.startFailed');
      expect(retried.message).toContain('fake start failure');
    } finally {
      lagging.mockRestore();
    }
  });

  it('reports an image that cannot be pulled per pool, as 503 naming the image', async () => {
    const runtime = new FakeRuntime();
    runtime.missingImages.add('missing:1');
    harness = await startEmulator({ pools: [testPool('bad', 'missing:1'), testPool('good', 'img:1')], runtime });
    const h = harness;
    await until(h.emulator, () => h.emulator.getPool('bad')?.state === 'failed', 'pool failed');
    const response = await fetch(h.url('bad', '/', 'user-1'));
    expect(response.status).toBe(503);
    expect(response.headers.get('x-ms-error-code')).toBe('SessionPoolNotReady');
    expect(JSON.stringify(await json(response))).toContain('missing:1');
    expect((await fetch(h.url('good', '/', 'user-1'))).status).toBe(200);
  });

  it('never hands out a ready session of the old template after an update', async () => {
    const runtime = new FakeRuntime();
    const spec = testPool('p1', 'img:1', { readySessionInstances: 2 });
    harness = await startEmulator({ pools: [spec], runtime });
    const h = harness;
    await until(h.emulator, () => readyCount(h.emulator, 'p1') === 2, 'two ready v1 sessions');
    const kept = await container(await fetch(h.url('p1', '/', 'old-user')));
    const pool = h.emulator.getPool('p1');
    await pool?.update({ ...spec, container: { ...spec.container, image: 'img:2' } });
    const fresh = await container(await fetch(h.url('p1', '/', 'new-user')));
    expect(runtime.containers.get(fresh)?.spec.image).toBe('img:2');
    // The identifier bound before the update keeps its session.
    expect(await container(await fetch(h.url('p1', '/', 'old-user')))).toBe(kept);
    await until(h.emulator, () => readyCount(h.emulator, 'p1') === 2, 'refilled with v2');
    const images = runtime.running().map((c) => c.spec.image);
    expect(images.filter((i) => i === 'img:1')).toHaveLength(1);
  });
});
