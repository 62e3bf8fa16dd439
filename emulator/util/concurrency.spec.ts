import { describe, expect, it } from 'vitest';
import { KeyedGate, Limiter } from './concurrency.js';

/** A task the test finishes by hand, recording when it started. */
function manual(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    task: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
    },
    finish,
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Limiter', () => {
  it('runs at most `limit` tasks at once, the rest in arrival order', async () => {
    const log: string[] = [];
    const limiter = new Limiter(2);
    const tasks = ['a', 'b', 'c', 'd'].map((name) => manual(log, name));
    const runs = tasks.map((t) => limiter.run(t.task));
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    tasks[1]!.finish();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    tasks[0]!.finish();
    tasks[2]!.finish();
    tasks[3]!.finish();
    await Promise.all(runs);
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start a', 'start b', 'start c', 'start d']);
  });

  it('frees the slot of a task that fails', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });

  it('refuses a limit below one', () => {
    expect(() => new Limiter(0)).toThrow(/positive integer/);
  });
});

describe('KeyedGate', () => {
  it('lets shared holders overlap and runs an exclusive one alone', async () => {
    const log: string[] = [];
    const gate = new KeyedGate();
    const s1 = manual(log, 's1');
    const s2 = manual(log, 's2');
    const x = manual(log, 'x');
    const runs = [gate.shared('net', s1.task), gate.shared('net', s2.task), gate.exclusive('net', x.task)];
    await tick();
    expect(log).toEqual(['start s1', 'start s2']);
    s1.finish();
    await tick();
    expect(log).not.toContain('start x');
    s2.finish();
    await tick();
    expect(log.at(-1)).toBe('start x');
    x.finish();
    await Promise.all(runs);
    expect(gate.size).toBe(0);
  });

  it('queues shared requests behind a waiting exclusive one (no writer starvation)', async () => {
    const log: string[] = [];
    const gate = new KeyedGate();
    const s1 = manual(log, 's1');
    const x = manual(log, 'x');
    const s2 = manual(log, 's2');
    const runs = [gate.shared('net', s1.task), gate.exclusive('net', x.task), gate.shared('net', s2.task)];
    await tick();
    expect(log).toEqual(['start s1']);
    s1.finish();
    await tick();
    expect(log).toEqual(['start s1', 'end s1', 'start x']);
    x.finish();
    await tick();
    expect(log.at(-1)).toBe('start s2');
    s2.finish();
    await Promise.all(runs);
  });

  it('serialises exclusive holders of one key but not of different keys', async () => {
    const log: string[] = [];
    const gate = new KeyedGate();
    const a1 = manual(log, 'a1');
    const a2 = manual(log, 'a2');
    const b1 = manual(log, 'b1');
    const runs = [gate.exclusive('a', a1.task), gate.exclusive('a', a2.task), gate.exclusive('b', b1.task)];
    await tick();
    expect(log).toEqual(['start a1', 'start b1']);
    a1.finish();
    await tick();
    expect(log.at(-1)).toBe('start a2');
    a2.finish();
    b1.finish();
    await Promise.all(runs);
    expect(gate.size).toBe(0);
  });

  it('releases the key when a holder fails', async () => {
    const gate = new KeyedGate();
    await expect(gate.exclusive('net', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.exclusive('net', async () => 'next')).resolves.toBe('next');
    expect(gate.size).toBe(0);
  });
});
