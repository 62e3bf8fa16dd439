import { randomUUID } from 'node:crypto';
import type { SessionPoolProvisioningState } from '../config/arm-view.js';
import type { Emulator } from '../emulator.js';
import type { TimedEvent } from '../events.js';
import type { SessionPool } from '../pool/session-pool.js';

/**
 * Long-running ARM operations (`Azure-AsyncOperation` / `Location` polling).
 *
 * A create or update succeeds when the pool is *really* usable: its image is present and its ready
 * sessions have started (or as many as the free capacity allows, when traffic already took some). It
 * fails on an image pull failure or a session that cannot start, with the engine's reason. While the
 * container engine is unreachable the operation waits (the pool retries once the engine is back), up
 * to `timeoutMs`. All pending operations of one pool share its fate: a later write supersedes an
 * earlier one and both finish when the pool is ready with the latest template. A pool deleted (or
 * deleted and re-created) under a pending operation cancels it.
 *
 * Operations live in memory: completed ones are kept for `retentionMs`, then forgotten.
 */
export type OperationKind = 'create' | 'update' | 'delete';
export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

export interface OperationError {
  /** HTTP status the `Location` URL answers with once the operation failed. */
  status: number;
  code: string;
  message: string;
}

export interface Operation {
  readonly id: string;
  readonly kind: OperationKind;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly poolName: string;
  /** Normalised (`eastus`), as it appears in operation URLs. */
  readonly location: string;
  /** The pool object a create/update waits for; a different object under the name means it was replaced. */
  readonly pool?: SessionPool;
  readonly generation: number;
  readonly apiVersion: string;
  status: OperationStatus;
  readonly startTime: number;
  endTime?: number;
  error?: OperationError;
}

export interface OperationTrackerOptions {
  timeoutMs: number;
  retentionMs: number;
}

export type BeginOperation = Omit<Operation, 'id' | 'status' | 'startTime' | 'endTime' | 'error' | 'location'> & {
  location: string;
};

export class OperationTracker {
  private readonly operations = new Map<string, Operation>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private unsubscribe?: () => void;

  constructor(
    private readonly emulator: Emulator,
    private readonly options: OperationTrackerOptions,
  ) {}

  attach(): void {
    this.unsubscribe ??= this.emulator.events.subscribe((event) => this.onEvent(event));
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  begin(input: BeginOperation): Operation {
    this.prune();
    const op: Operation = {
      ...input,
      id: randomUUID(),
      location: normalizeLocation(input.location),
      status: 'InProgress',
      startTime: this.emulator.clock.now(),
    };
    this.operations.set(op.id, op);
    const timer = setTimeout(() => this.timeOut(op), this.options.timeoutMs);
    timer.unref();
    this.timers.set(op.id, timer);
    if (op.kind !== 'delete') this.evaluate(op);
    return op;
  }

  get(id: string): Operation | undefined {
    return this.operations.get(id);
  }

  finish(op: Operation, status: Exclude<OperationStatus, 'InProgress'>, error?: OperationError): void {
    if (op.status !== 'InProgress') return;
    op.status = status;
    op.endTime = this.emulator.clock.now();
    if (error) op.error = error;
    clearTimeout(this.timers.get(op.id));
    this.timers.delete(op.id);
  }

  /** ARM's `provisioningState`: the outcome of the last write, else the pool's own state. */
  provisioningState(pool: SessionPool): SessionPoolProvisioningState {
    const last = this.latestFor(pool);
    if (last?.status === 'InProgress') return 'InProgress';
    if (last?.status === 'Failed' && last.generation === pool.generation) return 'Failed';
    switch (pool.state) {
      case 'failed':
        return 'Failed';
      case 'preparing':
        return 'InProgress';
      case 'deleting':
        return 'Deleting';
      default:
        return 'Succeeded';
    }
  }

  /** The pending create/update of a pool, if any (an unchanged PUT points its caller at it). */
  pendingFor(pool: SessionPool): Operation | undefined {
    const last = this.latestFor(pool);
    return last?.status === 'InProgress' ? last : undefined;
  }

  private latestFor(pool: SessionPool): Operation | undefined {
    let latest: Operation | undefined;
    for (const op of this.operations.values()) {
      if (op.pool === pool && (!latest || op.startTime >= latest.startTime)) latest = op;
    }
    return latest;
  }

  private onEvent(event: TimedEvent): void {
    if (event.type === 'runtime.available' || event.type === 'runtime.unavailable') return;
    // Evaluated after the emitting code has finished its bookkeeping: `session.ready` is emitted
    // just before the session joins the ready list.
    queueMicrotask(() => {
      for (const op of this.operations.values()) {
        if (op.status === 'InProgress' && op.kind !== 'delete' && op.poolName === event.pool) this.evaluate(op, event);
      }
    });
  }

  private evaluate(op: Operation, event?: TimedEvent): void {
    const pool = this.emulator.getPool(op.poolName);
    if (!pool || pool !== op.pool) {
      this.finish(op, 'Canceled', {
        status: 409,
        code: 'OperationCanceled',
        message: `Session pool '${op.poolName}' was deleted or replaced before the operation finished.`,
      });
      return;
    }
    // An image failure while the engine is away is the engine's absence, not the image: keep waiting,
    // the pool prepares again once the engine is back.
    if (event?.type === 'pool.imageFailed' && this.emulator.runtimeAvailable) {
      const message = `Session pool '${op.poolName}' could not be provisioned: ${pool.problem || event.message}`;
      this.finish(op, 'Failed', { status: 400, code: 'ImagePullFailed', message });
      return;
    }
    if (event?.type === 'session.startFailed') {
      const message = `Session pool '${op.poolName}' could not start its ready sessions: ${event.message}. The container's output is in the session logs; the pool keeps retrying.`;
      this.finish(op, 'Failed', { status: 400, code: 'SessionStartFailed', message });
      return;
    }
    if (pool.state === 'ready' && readyEnough(pool)) this.finish(op, 'Succeeded');
  }

  private timeOut(op: Operation): void {
    this.timers.delete(op.id);
    if (op.status !== 'InProgress') return;
    const pool = this.emulator.getPool(op.poolName);
    const why = !this.emulator.runtimeAvailable
      ? `the container engine is not reachable (${this.emulator.runtimeStatus().problem})`
      : pool?.problem || 'its ready sessions did not start in time';
    this.finish(op, 'Failed', {
      status: 500,
      code: 'OperationTimedOut',
      message: `The operation on session pool '${op.poolName}' did not finish within ${Math.round(this.options.timeoutMs / 1000)} s: ${why}.`,
    });
  }

  private prune(): void {
    const cutoff = this.emulator.clock.now() - this.options.retentionMs;
    for (const [id, op] of this.operations) {
      if (op.endTime !== undefined && op.endTime < cutoff) this.operations.delete(id);
    }
  }
}

/** The ready target, or as much of it as the free capacity allows when traffic already took sessions. */
function readyEnough(pool: SessionPool): boolean {
  const counts = pool.counts();
  return counts.ready >= Math.min(counts.readyTarget, counts.max - counts.allocated);
}

export function normalizeLocation(location: string): string {
  return location.toLowerCase().replace(/\s+/g, '');
}
