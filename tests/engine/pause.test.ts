import { afterEach, describe, expect, it } from 'vitest';
import { FakeRuntime } from '../support/fake-runtime.js';
import { json, readyCount, startEmulator, until, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** "Pause all pools" (desktop tray): no warm sessions, no allocations; allocated sessions run on. */
describe('pausing every pool (fake runtime)', () => {
  it('stops warm sessions, refuses allocations, keeps allocated ones, and refills on resume', async () => {
    const runtime = new FakeRuntime();
    harness = await startEmulator({
      pools: [testPool('p1', 'img:1', { readySessionInstances: 2 })],
      runtime,
    });
    const h = harness;
    await until(h.emulator, () => readyCount(h.emulator, 'p1') === 2, 'two ready sessions');
    const first = await fetch(h.url('p1', '/', 'kept'));
    const kept = (await json(first)).container;
    await until(h.emulator, () => readyCount(h.emulator, 'p1') === 2, 'refilled');

    h.emulator.setPoolsPaused(true);
    expect(h.emulator.poolsPaused).toBe(true);
    await until(
      h.emulator,
      () => readyCount(h.emulator, 'p1') === 0 && runtime.containers.size === 1,
      'warm sessions gone',
    );
    const refused = await fetch(h.url('p1', '/', 'new-user'));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('x-ms-error-code')).toBe('SessionPoolNotReady');
    const again = await fetch(h.url('p1', '/', 'kept'));
    expect((await json(again)).container).toBe(kept);

    h.emulator.setPoolsPaused(false);
    await until(h.emulator, () => readyCount(h.emulator, 'p1') === 2, 'refilled after resume');
    expect((await fetch(h.url('p1', '/', 'new-user'))).status).toBe(200);
  });

  it('creates pools paused while every pool is paused', async () => {
    const runtime = new FakeRuntime();
    harness = await startEmulator({ pools: [], runtime });
    harness.emulator.setPoolsPaused(true);
    const pool = harness.emulator.createPool(testPool('late', 'img:1', { readySessionInstances: 1 }));
    expect(pool.paused).toBe(true);
    await until(harness.emulator, () => pool.state === 'ready', 'image ready');
    expect(runtime.started).toHaveLength(0);
  });
});
