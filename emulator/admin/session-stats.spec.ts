import { describe, expect, it, vi } from 'vitest';
import type { ContainerStats } from '../runtime/types.js';
import { SessionStatsSampler, type StatsEmulator } from './session-stats.js';

interface FakeSession {
  id: string;
  state: string;
  containerId?: string;
}

function fakeEmulator(
  sessions: FakeSession[],
  read: (containerId: string) => Promise<ContainerStats | undefined>,
) {
  const pool = { allSessions: () => sessions };
  const emulator = {
    runtimeAvailable: true,
    getPool: (name: string) => (name === 'p1' ? pool : undefined),
    containerStats: vi.fn(read),
  };
  return emulator as typeof emulator & StatsEmulator;
}

describe('SessionStatsSampler', () => {
  it('reads allocated sessions at most once per interval, sharing a round between callers', async () => {
    let now = 1_000_000;
    let cpuNs = 0;
    const emulator = fakeEmulator(
      [
        { id: 's1', state: 'allocated', containerId: 'c1' },
        { id: 's2', state: 'ready', containerId: 'c2' },
      ],
      async () => ({ readAt: now, cpuNs, memoryBytes: 1000, memoryLimitBytes: 4000 }),
    );
    const sampler = new SessionStatsSampler({ intervalMs: 5000, now: () => now });
    const [a, b] = await Promise.all([sampler.stats(emulator, 'p1'), sampler.stats(emulator, 'p1')]);
    expect(a).toBe(b);
    expect(emulator.containerStats).toHaveBeenCalledTimes(1);
    expect(emulator.containerStats).toHaveBeenCalledWith('c1');
    expect(a.stats.s1).toMatchObject({ cpuCores: null, memoryBytes: 1000, memoryLimitBytes: 4000 });
    expect(a.stats.s2).toBeUndefined();

    now += 1000;
    await sampler.stats(emulator, 'p1');
    expect(emulator.containerStats).toHaveBeenCalledTimes(1);

    // Half a core over the next 5 s.
    now += 4000;
    cpuNs += 2_500_000_000;
    const second = await sampler.stats(emulator, 'p1');
    expect(emulator.containerStats).toHaveBeenCalledTimes(2);
    expect(second.stats.s1?.cpuCores).toBe(0.5);
  });

  it('reads a newly allocated session at once, without waiting for the interval', async () => {
    const now = 0;
    const sessions: FakeSession[] = [{ id: 's1', state: 'allocated', containerId: 'c1' }];
    const emulator = fakeEmulator(sessions, async () => ({ readAt: now, cpuNs: 0, memoryBytes: 7 }));
    const sampler = new SessionStatsSampler({ intervalMs: 60_000, now: () => now });
    await sampler.stats(emulator, 'p1');
    await sampler.stats(emulator, 'p1');
    expect(emulator.containerStats).toHaveBeenCalledTimes(1);
    sessions.push({ id: 's2', state: 'allocated', containerId: 'c2' });
    const answer = await sampler.stats(emulator, 'p1');
    expect(Object.keys(answer.stats).sort()).toEqual(['s1', 's2']);
    await sampler.stats(emulator, 'p1');
    expect(emulator.containerStats).toHaveBeenCalledTimes(3);
  });

  it('says why there are no readings, drops gone containers and gives up on slow engine calls', async () => {
    let now = 0;
    const sessions: FakeSession[] = [
      { id: 's1', state: 'allocated', containerId: 'c1' },
      { id: 's2', state: 'allocated', containerId: 'c2' },
    ];
    const emulator = fakeEmulator(sessions, (id) =>
      id === 'c2' ? new Promise(() => undefined) : Promise.resolve({ readAt: now, cpuNs: 0, memoryBytes: 5 }),
    );
    const sampler = new SessionStatsSampler({ intervalMs: 10, timeoutMs: 20, now: () => now });
    const first = await sampler.stats(emulator, 'p1');
    expect(Object.keys(first.stats)).toEqual(['s1']);
    expect(first.problem).toContain('did not answer within 20 ms');

    sessions.splice(0, 1);
    now += 100;
    const second = await sampler.stats(emulator, 'p1');
    expect(second.stats.s1).toBeUndefined();

    emulator.runtimeAvailable = false;
    now += 100;
    expect((await sampler.stats(emulator, 'p1')).problem).toBe('The container engine is not reachable.');
    expect((await sampler.stats(emulator, 'nope')).stats).toEqual({});
  });

  it('reads big pools in turns, the longest-unread sessions first, a few at a time', async () => {
    let now = 0;
    let running = 0;
    let most = 0;
    const sessions = Array.from({ length: 10 }, (_, i) => ({
      id: `s${i}`,
      state: 'allocated',
      containerId: `c${i}`,
    }));
    const emulator = fakeEmulator(sessions, async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      running--;
      return { readAt: now, cpuNs: 0, memoryBytes: 1 };
    });
    const sampler = new SessionStatsSampler({
      intervalMs: 1,
      maxPerRound: 4,
      concurrency: 2,
      now: () => now,
    });
    const seen = new Set<string>();
    for (let round = 0; round < 3; round++) {
      now += 10;
      const answer = await sampler.stats(emulator, 'p1');
      for (const id of Object.keys(answer.stats)) seen.add(id);
    }
    expect(seen.size).toBe(10);
    expect(most).toBeLessThanOrEqual(2);
  });
});
