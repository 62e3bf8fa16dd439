import { parsePoolUrl } from '../http/pool-url.js';
import { identifierFromQuery } from '../pool/identifier.js';
import type { ExchangeKind } from './annotations.js';
import { storeBody } from './body.js';
import { redactHeaders, redactJwts, redactQuery, type Redactions } from './redact.js';
import type { CapturedExchange } from './tap.js';
import type { ExchangeRecord, HeaderMap, RecordSummary } from './types.js';

const TOKEN_PATH = /^\/[^/]+\/(?:oauth2\/(?:v2\.0\/)?(?:token|authorize|devicecode)|v2\.0\/\.well-known\/|\.well-known\/|discovery\/)/i;
const ARM_PATH = /^\/subscriptions\/[^/]+\/(?:resourceGroups\/[^/]+\/)?providers\//i;
const ARM_POOL = /\/sessionPools\/([^/?]+)/i;

/** Token and ARM routes do not annotate their exchanges: their kind follows from the path. */
export function inferKind(path: string): ExchangeKind {
  if (parsePoolUrl(path)) return path.includes('/.management/') ? 'management' : 'data';
  if (path.toLowerCase().startsWith('/msi/')) return 'identity';
  if (TOKEN_PATH.test(path)) return 'token';
  if (ARM_PATH.test(path)) return 'arm';
  return 'other';
}

function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

function scalar(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function header(headers: Record<string, unknown>, name: string): string {
  const value = headers[name];
  return scalar(Array.isArray(value) ? value[0] : value);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Token errors say what went wrong in the body (`{"error":"invalid_client"}`), not in a header. */
function bodyErrorCode(record: ExchangeRecord): string | undefined {
  if (record.status < 400 || record.responseBody.encoding !== 'utf8') return undefined;
  try {
    const parsed = JSON.parse(record.responseBody.data) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (parsed.error && typeof parsed.error === 'object' && 'code' in parsed.error && typeof parsed.error.code === 'string') {
      return parsed.error.code;
    }
  } catch {
    // Not JSON: no code.
  }
  return undefined;
}

function round(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms * 100) / 100;
}

/** Builds the stored record: every secret is redacted here, before anything else sees it. */
export function buildRecord(exchange: CapturedExchange, seq: number, cap: number): ExchangeRecord {
  const found: Redactions = new Set();
  const note = exchange.annotation() ?? {};
  const { path, query } = splitUrl(exchange.url);
  const kind = note.kind ?? inferKind(path);
  // The data plane annotates what it parsed; only other exchanges (and errors before that) parse again.
  const poolUrl = note.target === undefined || note.pool === undefined || note.identifier === undefined ? parsePoolUrl(exchange.url) : undefined;
  const armPool = kind === 'arm' ? ARM_POOL.exec(path)?.[1] : undefined;
  const identifier = note.identifier ?? (poolUrl ? identifierFromQuery(poolUrl.query) : undefined);
  const target = note.target ?? poolUrl?.rest;
  const reqHeaders = exchange.requestHeaders;
  const resHeaders = exchange.responseHeaders();
  const context = (headers: Record<string, unknown>) => ({
    cap,
    kind,
    contentType: header(headers, 'content-type'),
    contentEncoding: header(headers, 'content-encoding'),
  });
  // Undefined fields stay: JSON.stringify leaves them out of the stored line, and an object literal
  // keeps one fast shape (copying defined fields into a fresh object made a slow dictionary object).
  const record: ExchangeRecord = {
    id: String(seq),
    seq,
    time: new Date(exchange.startedAt).toISOString(),
    kind,
    pool: note.pool ?? poolUrl?.pool ?? (armPool ? decodeSegment(armPool) : undefined),
    identifier: identifier === '' ? undefined : identifier,
    sessionId: note.sessionId,
    method: exchange.method,
    scheme: exchange.scheme,
    host: header(reqHeaders, 'host'),
    path: redactJwts(path, found),
    target: target === undefined ? undefined : redactJwts(target, found),
    query: redactQuery(query, kind, found),
    requestHeaders: redactHeaders(reqHeaders, found),
    requestBody: storeBody(exchange.requestBody, context(reqHeaders), found),
    status: exchange.status,
    responseHeaders: redactHeaders(resHeaders, found) satisfies HeaderMap,
    responseBody: storeBody(exchange.responseBody, context(resHeaders), found),
    timing: {
      waitMs: round(note.waitMs),
      connectMs: round(note.connectMs),
      ttfbMs: round(note.ttfbMs ?? exchange.headersMs),
      headersMs: round(exchange.headersMs),
      totalMs: round(exchange.totalMs) ?? 0,
    },
    allocated: note.allocated,
    cold: note.cold,
    errorCode: note.errorCode ?? (header(resHeaders, 'x-ms-error-code') || undefined),
    outcome: exchange.aborted ? 'aborted' : 'completed',
    upgrade: exchange.upgrade,
    replayOf: note.replayOf ?? exchange.replay?.replayOf,
    imported: exchange.replay?.imported,
    redactions: [],
  };
  record.errorCode ??= bodyErrorCode(record);
  record.redactions = [...found].sort();
  return record;
}

export function summarize(record: ExchangeRecord): RecordSummary {
  return {
    id: record.id,
    seq: record.seq,
    time: record.time,
    kind: record.kind,
    pool: record.pool,
    identifier: record.identifier,
    sessionId: record.sessionId,
    method: record.method,
    path: record.path,
    target: record.target,
    query: record.query,
    status: record.status,
    totalMs: record.timing.totalMs,
    waitMs: record.timing.waitMs,
    allocated: record.allocated,
    cold: record.cold,
    errorCode: record.errorCode,
    outcome: record.outcome,
    upgrade: record.upgrade,
    replayOf: record.replayOf,
    imported: record.imported,
    requestSize: record.requestBody.size,
    responseSize: record.responseBody.size,
  };
}
