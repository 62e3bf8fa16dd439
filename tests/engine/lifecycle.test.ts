import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../emulator/clock.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import { json, startEmulator, until, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const COOLDOWN = 300_000;

async function setup(overrides: Parameters<typeof testPool>[2] = {}) {
  const runtime = new FakeRuntime();
  const clock = new ManualClock();
  harness = await startEmulator({ pools: [testPool('p1', 'img:1', overrides)], runtime, clock });
  return { runtime, clock, h: harness, pool: harness.emulator.getPool('p1')! };
}

describe('Timed lifecycle (manual clock)', () => {
  it('ends a session after the cooldown, and every request restarts it', async () => {
    const { runtime, clock, h, pool } = await setup();
    const first = (await json(await fetch(h.url('p1', '/', 'user-1')))).container as string;
    clock.advance(COOLDOWN - 1000);
    expect((await fetch(h.url('p1', '/', 'user-1'))).status).toBe(200);
    clock.advance(COOLDOWN - 1000);
    expect(pool.view('user-1')).toBeDefined();
    const stopped = h.emulator.events.waitFor('session.stopped', (e) => e.identifier === 'user-1');
    clock.advance(1000);
    expect((await stopped).reason).toBe('cooldown');
    await until(h.emulator, () => !runtime.containers.has(first), 'container removed');
    // The identifier starts over on a new session.
    const second = (await json(await fetch(h.url('p1', '/', 'user-1')))).container as string;
    expect(second).not.toBe(first);
  });

  it('never ends a session while a request is in flight', async () => {
    const { runtime, clock, h, pool } = await setup();
    const held = await fetch(h.url('p1', '/hold', 'user-1'));
    expect(held.status).toBe(200);
    clock.advance(COOLDOWN * 3);
    expect(pool.view('user-1')).toBeDefined();
    const expires = Date.parse(pool.view('user-1')!.expiresAt!);
    expect(expires).toBe(clock.now() + COOLDOWN);
    runtime.release();
    expect(await held.text()).toBe('released');
    await until(h.emulator, () => pool.allSessions().every((s) => s.inflight === 0), 'request finished');
    clock.advance(COOLDOWN - 1);
    expect(pool.view('user-1')).toBeDefined();
    const stopped = h.emulator.events.waitFor('session.stopped');
    clock.advance(1);
    expect((await stopped).reason).toBe('cooldown');
  });

  it('reports expiresAt as last access + cooldown', async () => {
    const { clock, h, pool } = await setup();
    await fetch(h.url('p1', '/', 'user-1'));
    const view = pool.view('user-1')!;
    expect(Date.parse(view.expiresAt!)).toBe(Date.parse(view.lastAccessedAt) + COOLDOWN);
    clock.advance(5000);
    await fetch(h.url('p1', '/', 'user-1'));
    expect(Date.parse(pool.view('user-1')!.lastAccessedAt)).toBe(clock.now());
  });
});

describe('OnContainerExit lifecycle', () => {
  const lifecycle = { type: 'OnContainerExit' as const, maxAliveMs: 3_600_000 };

  it('ends the session when its container exits, with the exit code', async () => {
    const { runtime, h, pool } = await setup({ lifecycle });
    const id = (await json(await fetch(h.url('p1', '/', 'user-1')))).container as string;
    const stopped = h.emulator.events.waitFor('session.stopped', (e) => e.identifier === 'user-1');
    runtime.exit(id, 7, true);
    expect(await stopped).toMatchObject({ reason: 'exited', exitCode: 7, oomKilled: true });
    expect(pool.view('user-1')).toBeUndefined();
    const next = (await json(await fetch(h.url('p1', '/', 'user-1')))).container as string;
    expect(next).not.toBe(id);
  });

  it('has no cooldown but ends at maxAlivePeriod', async () => {
    const { clock, h, pool } = await setup({ lifecycle });
    await fetch(h.url('p1', '/', 'user-1'));
    clock.advance(COOLDOWN * 2);
    expect(pool.view('user-1')).toBeDefined();
    expect(Date.parse(pool.view('user-1')!.expiresAt!)).toBe(Date.parse(pool.view('user-1')!.createdAt) + 3_600_000);
    const stopped = h.emulator.events.waitFor('session.stopped');
    clock.advance(3_600_000);
    expect((await stopped).reason).toBe('maxAlive');
  });
});

describe('container death', () => {
  it('removes a Timed session whose container died and lets the identifier start over', async () => {
    const { runtime, h } = await setup();
    const id = (await json(await fetch(h.url('p1', '/', 'user-1')))).container as string;
    const stopped = h.emulator.events.waitFor('session.stopped');
    runtime.exit(id, 137);
    expect(await stopped).toMatchObject({ reason: 'exited', exitCode: 137 });
    expect((await fetch(h.url('p1', '/', 'user-1'))).status).toBe(200);
  });

  it('answers 502 with the session named when the container refuses connections', async () => {
    const { runtime, h } = await setup();
    const id = (await json(await fetch(h.url('p1', '/', 'user-1')))).container as string;
    // The server goes away without an exit event (e.g. the process closed its port).
    const container = runtime.containers.get(id)!;
    container.server.close();
    container.server.closeAllConnections();
    const response = await fetch(h.url('p1', '/', 'user-1'));
    expect(response.status).toBe(502);
    expect(response.headers.get('x-ms-error-code')).toBe('SessionConnectionFailed');
    const body = JSON.stringify(await json(response));
    expect(body).toContain(h.emulator.getPool('p1')!.allSessions().find((s) => s.containerId === id)!.id);
    // Other identifiers are still served.
    expect((await fetch(h.url('p1', '/', 'user-2'))).status).toBe(200);
  });
});
