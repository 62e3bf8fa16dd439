/**
 * Small concurrency primitives for talking to the container engine, which misbehaves when asked to do
 * too much of one thing at once (see `runtime/docker-teardown.ts`). Both are FIFO: a caller is never
 * overtaken by one that asked later, so nothing starves.
 */

/** Runs at most `limit` tasks at once; the rest wait in order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`limit must be a positive integer, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit || this.waiting.length > 0) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter (active stays the same) or give it back.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

type Mode = 'shared' | 'exclusive';

interface KeyState {
  shared: number;
  exclusive: boolean;
  queue: { mode: Mode; grant: () => void }[];
}

/**
 * A readers/writer lock per key. Any number of `shared` holders may run together; an `exclusive`
 * holder runs alone. Requests are granted in arrival order, so a waiting exclusive request holds back
 * shared ones that come after it (no writer starvation under a steady stream of readers).
 */
export class KeyedGate {
  private readonly keys = new Map<string, KeyState>();

  shared<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.run(key, 'shared', task);
  }

  exclusive<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.run(key, 'exclusive', task);
  }

  /** Keys with holders or waiters (for tests: an idle gate keeps no state). */
  get size(): number {
    return this.keys.size;
  }

  private async run<T>(key: string, mode: Mode, task: () => Promise<T>): Promise<T> {
    let state = this.keys.get(key);
    if (!state) {
      state = { shared: 0, exclusive: false, queue: [] };
      this.keys.set(key, state);
    }
    if (state.queue.length === 0 && this.compatible(state, mode)) this.take(state, mode);
    else await new Promise<void>((grant) => state.queue.push({ mode, grant }));
    try {
      return await task();
    } finally {
      if (mode === 'exclusive') state.exclusive = false;
      else state.shared--;
      this.admit(key, state);
    }
  }

  private compatible(state: KeyState, mode: Mode): boolean {
    return mode === 'shared' ? !state.exclusive : !state.exclusive && state.shared === 0;
  }

  private take(state: KeyState, mode: Mode): void {
    if (mode === 'exclusive') state.exclusive = true;
    else state.shared++;
  }

  /** Grants queued requests from the front for as long as they fit; drops the key when idle. */
  private admit(key: string, state: KeyState): void {
    while (state.queue.length > 0 && this.compatible(state, state.queue[0]!.mode)) {
      const next = state.queue.shift()!;
      this.take(state, next.mode);
      next.grant();
    }
    if (state.queue.length === 0 && state.shared === 0 && !state.exclusive) this.keys.delete(key);
  }
}
