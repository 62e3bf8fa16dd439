import { createTestingPinia } from '@pinia/testing';
import { setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SequencedEvent, TimedEvent } from '../api/contract.js';
import { BUCKET_MS, useActivityStore } from './activity.js';

beforeEach(() => setActivePinia(createTestingPinia({ stubActions: false, createSpy: vi.fn })));

let seq = 0;
const at = (event: TimedEvent): SequencedEvent => ({ seq: ++seq, event });
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % BUCKET_MS);

describe('activity store', () => {
  it('counts allocations and latency per bucket over the window', () => {
    const activity = useActivityStore();
    activity.ingest([
      at({
        type: 'session.allocated',
        pool: 'p',
        sessionId: 's',
        identifier: 'a',
        waitedMs: 3,
        cold: true,
        time: T0 + 1,
      }),
      at({
        type: 'request.completed',
        pool: 'p',
        sessionId: 's',
        identifier: 'a',
        method: 'GET',
        status: 200,
        totalMs: 10,
        time: T0 + 2,
      }),
      at({
        type: 'request.completed',
        pool: 'p',
        sessionId: 's',
        identifier: 'a',
        method: 'GET',
        status: 200,
        totalMs: 30,
        time: T0 + 3,
      }),
    ]);
    const series = activity.series(T0 + 5);
    expect(series).toHaveLength(30);
    expect(series.at(-1)).toMatchObject({ allocations: 1, cold: 1, requests: 2, totalMs: 40, maxMs: 30 });
    expect(series[0]?.allocations).toBe(0);
  });

  it('keeps recent errors newest first and ignores events replayed twice', () => {
    const activity = useActivityStore();
    const failed = at({
      type: 'request.failed',
      pool: 'p',
      status: 503,
      code: 'SessionPoolNotReady',
      message: 'not ready',
      time: T0,
    });
    const pull = at({
      type: 'pool.imageFailed',
      pool: 'p',
      image: 'x',
      message: 'pull access denied',
      time: T0 + 1,
    });
    activity.ingest([failed, pull]);
    activity.ingest([failed, pull]);
    expect(activity.errors.map((e) => e.kind)).toEqual(['pool.imageFailed', 'request.failed']);
    expect(activity.errors[1]?.title).toBe('503 SessionPoolNotReady');
  });
});
