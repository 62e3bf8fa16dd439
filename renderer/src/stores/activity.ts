import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { SequencedEvent, TimedEvent } from '../api/contract.js';

export const BUCKET_MS = 10_000;
export const WINDOW_MS = 5 * 60_000;
const MAX_ERRORS = 50;

export interface Bucket {
  start: number;
  allocations: number;
  cold: number;
  requests: number;
  totalMs: number;
  maxMs: number;
}

export interface RecentError {
  seq: number;
  time: number;
  pool?: string;
  kind: 'request.failed' | 'session.startFailed' | 'pool.imageFailed' | 'runtime.unavailable';
  title: string;
  message: string;
}

/** Allocations and latency per 10 s over the last minutes, and recent errors, built from engine events. */
export const useActivityStore = defineStore('activity', () => {
  const buckets = shallowRef<Map<number, Bucket>>(new Map());
  const errors = ref<RecentError[]>([]);
  const lastSeq = ref(0);

  function bucketAt(map: Map<number, Bucket>, time: number): Bucket {
    const start = Math.floor(time / BUCKET_MS) * BUCKET_MS;
    let bucket = map.get(start);
    if (!bucket) {
      bucket = { start, allocations: 0, cold: 0, requests: 0, totalMs: 0, maxMs: 0 };
      map.set(start, bucket);
    }
    return bucket;
  }

  /** Takes one batch; a replay after a reconnect may repeat events, which `seq` filters out. */
  function ingest(events: SequencedEvent[]): void {
    const map = new Map(buckets.value);
    const newErrors: RecentError[] = [];
    for (const { seq, event } of events) {
      if (seq <= lastSeq.value) continue;
      lastSeq.value = seq;
      count(map, event);
      const error = asError(seq, event);
      if (error) newErrors.unshift(error);
    }
    const oldest = Math.max(...map.keys(), 0) - WINDOW_MS * 2;
    for (const start of map.keys()) if (start < oldest) map.delete(start);
    buckets.value = map;
    if (newErrors.length > 0) errors.value = [...newErrors, ...errors.value].slice(0, MAX_ERRORS);
  }

  function count(map: Map<number, Bucket>, event: TimedEvent): void {
    if (event.type === 'session.allocated') {
      const bucket = bucketAt(map, event.time);
      bucket.allocations++;
      if (event.cold) bucket.cold++;
    } else if (event.type === 'request.completed') {
      const bucket = bucketAt(map, event.time);
      bucket.requests++;
      bucket.totalMs += event.totalMs;
      bucket.maxMs = Math.max(bucket.maxMs, event.totalMs);
    }
  }

  /** The buckets of the window ending at `now`, oldest first, gaps filled with zeros. */
  function series(now: number): Bucket[] {
    const end = Math.floor(now / BUCKET_MS) * BUCKET_MS;
    const out: Bucket[] = [];
    for (let start = end - WINDOW_MS + BUCKET_MS; start <= end; start += BUCKET_MS) {
      out.push(
        buckets.value.get(start) ?? { start, allocations: 0, cold: 0, requests: 0, totalMs: 0, maxMs: 0 },
      );
    }
    return out;
  }

  function clearErrors(): void {
    errors.value = [];
  }

  return { buckets, errors, lastSeq, ingest, series, clearErrors };
});

function asError(seq: number, event: TimedEvent): RecentError | undefined {
  switch (event.type) {
    case 'request.failed':
      return {
        seq,
        time: event.time,
        pool: event.pool,
        kind: event.type,
        title: `${event.status} ${event.code}`,
        message: event.message,
      };
    case 'session.startFailed':
      return {
        seq,
        time: event.time,
        pool: event.pool,
        kind: event.type,
        title: 'A session failed to start',
        message: event.lastLogs ? `${event.message}\n${event.lastLogs}` : event.message,
      };
    case 'pool.imageFailed':
      return {
        seq,
        time: event.time,
        pool: event.pool,
        kind: event.type,
        title: `Image ${event.image} failed`,
        message: event.message,
      };
    case 'runtime.unavailable':
      return {
        seq,
        time: event.time,
        kind: event.type,
        title: 'Container engine unreachable',
        message: event.message,
      };
    default:
      return undefined;
  }
}
