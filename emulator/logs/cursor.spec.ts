import { describe, expect, it } from 'vitest';
import { compareTimestamps, CursorTracker, START_CURSOR, TimestampParser } from './cursor.js';

const T1 = '2026-01-02T03:04:05.000000001Z';
const T2 = '2026-01-02T03:04:05.000000002Z';
const T3 = '2026-01-02T03:04:06.5Z';

describe('CursorTracker', () => {
  it('takes everything on a first read and counts entries at the last timestamp', () => {
    const tracker = new CursorTracker(START_CURSOR);
    tracker.begin();
    expect([T1, T2, T2].map((t) => tracker.take(t))).toEqual([true, true, true]);
    expect(tracker.cursor).toEqual({ timestamp: T2, atTimestamp: 2 });
  });

  it('skips what a resumed (inclusive since) read repeats, including entries sharing the last timestamp', () => {
    const tracker = new CursorTracker({ timestamp: T2, atTimestamp: 2 });
    tracker.begin();
    // The engine resends from T2 on: two already taken, then one new at T2, then later ones.
    expect([T2, T2, T2, T3].map((t) => tracker.take(t))).toEqual([false, false, true, true]);
    expect(tracker.cursor).toEqual({ timestamp: T3, atTimestamp: 1 });
  });

  it('ignores entries older than the cursor', () => {
    const tracker = new CursorTracker({ timestamp: T2, atTimestamp: 1 });
    tracker.begin();
    expect(tracker.take(T1)).toBe(false);
  });
});

describe('timestamps', () => {
  it('orders RFC3339Nano timestamps of any precision and zone', () => {
    expect(compareTimestamps(T1, T2)).toBe(-1);
    expect(compareTimestamps('2026-01-02T03:04:05.1Z', '2026-01-02T03:04:05.09Z')).toBe(1);
    expect(compareTimestamps('2026-01-02T04:04:05+01:00', '2026-01-02T03:04:05Z')).toBe(0);
  });

  it('parses to epoch ms with microseconds', () => {
    const parser = new TimestampParser();
    const base = Date.parse('2026-01-02T03:04:05Z');
    expect(parser.ms('2026-01-02T03:04:05.123456789Z')).toBeCloseTo(base + 123.456, 6);
    expect(parser.ms('2026-01-02T03:04:05.5Z')).toBe(base + 500);
    expect(parser.ms('2026-01-02T04:04:05.000001+01:00')).toBeCloseTo(base + 0.001, 6);
    expect(parser.ms('garbage')).toBeNaN();
  });
});
