import type { RecordSummary, RequestListQuery } from '../api/contract.js';
import type { TimeZoneMode } from './format.js';

/** The Requests view's filter controls, as the form holds them (strings; '' = any). */
export interface RequestFilters {
  pool: string;
  identifier: string;
  /** `2xx` … `5xx`, `error`, or ''. */
  status: string;
  method: string;
  /** Text in the path or query. */
  q: string;
  /** `data`, `management`, `token`, `arm`, `identity`, `other`, or ''. */
  kind: string;
  /** A window ending now (`15m` …), `custom` (from/to below), or ''. */
  range: string;
  /** `datetime-local` values, read in the chosen time zone. */
  from: string;
  to: string;
  /** Minimum total time in ms. */
  slow: string;
}

export const RANGES: { value: string; label: string; ms: number }[] = [
  { value: '5m', label: 'Last 5 minutes', ms: 5 * 60_000 },
  { value: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
];

export function emptyFilters(): RequestFilters {
  return {
    pool: '',
    identifier: '',
    status: '',
    method: '',
    q: '',
    kind: '',
    range: '',
    from: '',
    to: '',
    slow: '',
  };
}

/** A `datetime-local` value as epoch ms in the chosen zone; undefined when empty or invalid. */
export function localInputTime(value: string, zone: TimeZoneMode): number | undefined {
  if (value === '') return undefined;
  const ms = Date.parse(zone === 'utc' ? `${value}Z` : value);
  return Number.isFinite(ms) ? ms : undefined;
}

function slowMs(filters: RequestFilters): number | undefined {
  const value = Number(filters.slow);
  return filters.slow.trim() !== '' && Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
}

/** The list route's query parameters for these filters. */
export function toQuery(filters: RequestFilters, zone: TimeZoneMode): RequestListQuery {
  const query: RequestListQuery = {};
  if (filters.pool) query.pool = filters.pool;
  if (filters.identifier.trim()) query.identifier = filters.identifier.trim();
  if (filters.status) query.status = filters.status;
  if (filters.method) query.method = filters.method;
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.kind) query.kind = filters.kind as RequestListQuery['kind'];
  if (filters.range === 'custom') {
    const from = localInputTime(filters.from, zone);
    const to = localInputTime(filters.to, zone);
    if (from !== undefined) query.from = String(from);
    if (to !== undefined) query.to = String(to);
  } else if (filters.range) query.from = filters.range;
  const slow = slowMs(filters);
  if (slow !== undefined) query.slow = slow;
  return query;
}

/** How many filters are set (for "Clear filters (3)"). */
export function activeFilters(filters: RequestFilters): number {
  return (['pool', 'identifier', 'status', 'method', 'q', 'kind', 'range', 'slow'] as const).filter(
    (key) => filters[key].trim() !== '',
  ).length;
}

function statusMatches(summary: RecordSummary, wanted: string): boolean {
  if (wanted === 'error')
    return (
      summary.status === 0 ||
      summary.status >= 500 ||
      summary.errorCode !== undefined ||
      summary.outcome === 'aborted'
    );
  return Math.floor(summary.status / 100) === Number(wanted[0]);
}

/**
 * Whether a live summary belongs in the filtered list: the same rules as the server's `matches`
 * (`traffic/query.ts`), so new records join the list without a reload.
 */
export function matchesFilters(
  summary: RecordSummary,
  filters: RequestFilters,
  zone: TimeZoneMode,
  now: number,
): boolean {
  const time = Date.parse(summary.time);
  if (filters.pool && summary.pool !== filters.pool) return false;
  if (filters.identifier.trim() && summary.identifier !== filters.identifier.trim()) return false;
  if (filters.kind && summary.kind !== filters.kind) return false;
  if (filters.method && summary.method.toUpperCase() !== filters.method.toUpperCase()) return false;
  if (filters.status && !statusMatches(summary, filters.status)) return false;
  const slow = slowMs(filters);
  if (slow !== undefined && summary.totalMs < slow) return false;
  if (filters.q.trim()) {
    const needle = filters.q.trim().toLowerCase();
    if (!`${summary.path}?${summary.query}`.toLowerCase().includes(needle)) return false;
  }
  if (filters.range === 'custom') {
    const from = localInputTime(filters.from, zone);
    const to = localInputTime(filters.to, zone);
    if (from !== undefined && time < from) return false;
    if (to !== undefined && time > to) return false;
  } else if (filters.range) {
    const range = RANGES.find((r) => r.value === filters.range);
    if (range && time < now - range.ms) return false;
  }
  return true;
}
