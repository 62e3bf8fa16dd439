import type { ExchangeKind } from './annotations.js';
import type { IndexEntry } from './store.js';
import type { RecordSummary, RequestFilter, RequestListResponse, StatusClass } from './types.js';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

const KINDS = new Set<ExchangeKind>(['data', 'management', 'token', 'arm', 'identity', 'other']);
const CLASSES = new Set<StatusClass>(['1xx', '2xx', '3xx', '4xx', '5xx', 'error']);

function statusMatches(summary: RecordSummary, wanted: StatusClass | number): boolean {
  if (typeof wanted === 'number') return summary.status === wanted;
  if (wanted === 'error') return summary.status === 0 || summary.status >= 500 || summary.errorCode !== undefined || summary.outcome === 'aborted';
  return Math.floor(summary.status / 100) === Number(wanted[0]);
}

export function matches(entry: IndexEntry, filter: RequestFilter): boolean {
  const s = entry.summary;
  if (filter.pool !== undefined && s.pool !== filter.pool) return false;
  if (filter.identifier !== undefined && s.identifier !== filter.identifier) return false;
  if (filter.sessionId !== undefined && s.sessionId !== filter.sessionId) return false;
  if (filter.kind !== undefined && s.kind !== filter.kind) return false;
  if (filter.method !== undefined && s.method.toUpperCase() !== filter.method.toUpperCase()) return false;
  if (filter.status !== undefined && !statusMatches(s, filter.status)) return false;
  if (filter.from !== undefined && entry.time < filter.from) return false;
  if (filter.to !== undefined && entry.time > filter.to) return false;
  if (filter.slowMs !== undefined && s.totalMs < filter.slowMs) return false;
  if (filter.replayOf !== undefined && s.replayOf !== filter.replayOf) return false;
  if (filter.text !== undefined) {
    const needle = filter.text.toLowerCase();
    if (!`${s.path}?${s.query}`.toLowerCase().includes(needle)) return false;
  }
  return true;
}

/** Newest first; `before` is a sequence number (exclusive) from the previous page's `nextBefore`. */
export function listPage(entries: readonly IndexEntry[], filter: RequestFilter, limit: number, before?: number): RequestListResponse {
  const items: RecordSummary[] = [];
  let total = 0;
  let nextBefore: number | undefined;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (!entry || !matches(entry, filter)) continue;
    total++;
    if (before !== undefined && entry.summary.seq >= before) continue;
    if (items.length < limit) items.push(entry.summary);
    else nextBefore ??= items.at(-1)?.seq;
  }
  return { items, total, ...(nextBefore === undefined ? {} : { nextBefore }) };
}

function time(value: string, now: number): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  const relative = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (relative) {
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
    return now - Number(relative[1]) * unit;
  }
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * Reads a filter from query parameters: pool, identifier, sessionId, kind, status (`2xx`… `error`, or
 * a number), method, q (path text), from/to (epoch ms, ISO, or `15m` ago), slow (ms), replayOf.
 * Returns a message for the first invalid parameter.
 */
export function parseFilter(query: Record<string, unknown>, now: number): { filter: RequestFilter } | { error: string } {
  const text = (name: string): string | undefined => (typeof query[name] === 'string' && query[name] !== '' ? query[name] : undefined);
  const filter: RequestFilter = {};
  for (const key of ['pool', 'identifier', 'sessionId', 'method', 'replayOf'] as const) {
    const value = text(key);
    if (value !== undefined) filter[key] = value;
  }
  const kind = text('kind');
  if (kind !== undefined) {
    if (!KINDS.has(kind as ExchangeKind)) return { error: `'kind' must be one of ${[...KINDS].join(', ')}.` };
    filter.kind = kind as ExchangeKind;
  }
  const status = text('status');
  if (status !== undefined) {
    if (CLASSES.has(status as StatusClass)) filter.status = status as StatusClass;
    else if (/^\d{3}$/.test(status)) filter.status = Number(status);
    else return { error: "'status' must be 1xx … 5xx, error, or a status code." };
  }
  const q = text('q') ?? text('text');
  if (q !== undefined) filter.text = q;
  for (const key of ['from', 'to'] as const) {
    const value = text(key);
    if (value === undefined) continue;
    const parsed = time(value, now);
    if (parsed === undefined) return { error: `'${key}' must be epoch ms, an ISO time, or a duration ago such as 15m.` };
    filter[key] = parsed;
  }
  const slow = text('slow');
  if (slow !== undefined) {
    if (!/^\d+$/.test(slow)) return { error: "'slow' must be a number of milliseconds." };
    filter.slowMs = Number(slow);
  }
  return { filter };
}
