import { ApiError, Errors } from '../errors.js';
import type { Session } from './session.js';
import type { EngineLimits } from './spec.js';

interface Waiter {
  resolve(session: Session): void;
  reject(error: ApiError): void;
  timer: NodeJS.Timeout;
}

/**
 * Requests held while sessions start (the cold path). Bounded, first-in first-out, and each waiter
 * has its own allocation deadline. Deadlines are wall-clock I/O limits, not lifecycle time, so they
 * use real timers even when tests drive the lifecycle with a manual clock.
 */
export class AllocationQueue {
  private readonly waiters: Waiter[] = [];

  constructor(
    private readonly pool: string,
    private limits: EngineLimits,
  ) {}

  get length(): number {
    return this.waiters.length;
  }

  setLimits(limits: EngineLimits): void {
    this.limits = limits;
  }

  /** Throws (synchronously) when the queue is full; otherwise resolves with a ready session. */
  enqueue(): Promise<Session> {
    if (this.waiters.length >= this.limits.maxQueuedAllocations) {
      throw Errors.allocationQueueFull(this.pool, this.limits.maxQueuedAllocations);
    }
    return new Promise<Session>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(waiter);
          reject(Errors.allocationTimeout(this.pool, this.limits.allocationTimeoutMs));
        }, this.limits.allocationTimeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Gives a freshly ready session to the longest-waiting request; false when nobody waits. */
  handOff(session: Session): boolean {
    const waiter = this.waiters.shift();
    if (!waiter) return false;
    clearTimeout(waiter.timer);
    waiter.resolve(session);
    return true;
  }

  failOne(error: ApiError): void {
    const waiter = this.waiters.shift();
    if (!waiter) return;
    clearTimeout(waiter.timer);
    waiter.reject(error);
  }

  failAll(error: ApiError): void {
    while (this.waiters.length) this.failOne(error);
  }

  private remove(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }
}
