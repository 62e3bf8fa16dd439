import { describe, expect, it } from 'vitest';
import { recordSummary } from '../testing/fake-client.js';
import { emptyFilters, matchesFilters, toQuery } from './request-filters.js';

const NOW = Date.UTC(2026, 0, 1, 12, 30, 0);

describe('request filters', () => {
  it('become the list route query parameters', () => {
    const filters = {
      ...emptyFilters(),
      pool: 'p1',
      identifier: ' user-0001 ',
      status: '5xx',
      method: 'POST',
      q: '/run',
      range: '15m',
      slow: '250',
    };
    expect(toQuery(filters, 'local')).toEqual({
      pool: 'p1',
      identifier: 'user-0001',
      status: '5xx',
      method: 'POST',
      q: '/run',
      from: '15m',
      slow: 250,
    });
    const custom = { ...emptyFilters(), range: 'custom', from: '2026-01-01T12:00', to: '' };
    expect(toQuery(custom, 'utc')).toEqual({ from: String(Date.UTC(2026, 0, 1, 12, 0)) });
  });

  it('match live summaries by the same rules as the server', () => {
    const ok = recordSummary(1, { time: new Date(NOW - 60_000).toISOString() });
    const failed = recordSummary(2, { status: 0, outcome: 'aborted', totalMs: 900 });
    const f = (over: Partial<ReturnType<typeof emptyFilters>>) => ({ ...emptyFilters(), ...over });
    expect(matchesFilters(ok, f({ status: '2xx', pool: 'p1', q: 'RUN' }), 'local', NOW)).toBe(true);
    expect(matchesFilters(ok, f({ status: 'error' }), 'local', NOW)).toBe(false);
    expect(matchesFilters(failed, f({ status: 'error', slow: '500' }), 'local', NOW)).toBe(true);
    expect(matchesFilters(ok, f({ identifier: 'other' }), 'local', NOW)).toBe(false);
    expect(matchesFilters(ok, f({ range: '5m' }), 'local', NOW)).toBe(true);
    expect(matchesFilters(ok, f({ range: '5m' }), 'local', NOW + 10 * 60_000)).toBe(false);
    expect(matchesFilters(ok, f({ method: 'post' }), 'local', NOW)).toBe(false);
  });
});
