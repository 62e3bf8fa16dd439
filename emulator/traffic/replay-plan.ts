import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { identifierFromQuery } from '../pool/identifier.js';
import { bodyBytes } from './body.js';
import {
  isReplayManagedHeader,
  REDACTED,
  type ExchangeRecord,
  type HeaderMap,
  type ReplayOptions,
  type StoredBody,
} from './types.js';

/** What a replay starts from: a recorded exchange or a HAR entry. */
export interface ReplaySource {
  /** The recorded exchange (absent for HAR entries). */
  id?: string;
  imported?: boolean;
  scheme?: 'http' | 'https';
  pool?: string;
  /** The pool endpoint path as the client wrote it; '' to use this emulator's. */
  prefix: string;
  /** Path under the pool endpoint. */
  target: string;
  query: string;
  method: string;
  headers: HeaderMap;
  body: StoredBody;
}

export interface ReplayPlan {
  pool: string;
  method: string;
  /** Full path and query, e.g. `/subscriptions/…/sessionPools/p/run?identifier=x`. */
  url: string;
  headers: HeaderMap;
  body: Buffer;
  warnings: string[];
}

export interface PlanContext {
  /** The pool endpoint path of a pool of this emulator, or undefined when there is none. */
  poolPrefix(pool: string): string | undefined;
  /** The identifier a replay uses, given the one of the original. */
  identifierFor(original: string | undefined): string | undefined;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function recordSource(record: ExchangeRecord): ReplaySource | { error: string } {
  if (
    (record.kind !== 'data' && record.kind !== 'management') ||
    record.target === undefined ||
    record.upgrade
  ) {
    return {
      error: `exchange ${record.id} is a ${record.upgrade ? 'WebSocket handshake' : `${record.kind} exchange`}: only pool requests can be replayed (token and ARM exchanges carried secrets that were never stored).`,
    };
  }
  const prefix =
    record.path.endsWith(record.target) && record.target !== '/'
      ? record.path.slice(0, -record.target.length)
      : record.path.replace(/\/$/, '');
  return {
    id: record.id,
    scheme: record.scheme,
    pool: record.pool,
    prefix,
    target: record.target,
    query: record.query,
    method: record.method,
    headers: record.requestHeaders,
    body: record.requestBody,
  };
}

/** Sets `identifier` in a raw query, leaving every other parameter byte for byte. */
export function withIdentifier(query: string, identifier: string): string {
  const encoded = `identifier=${encodeURIComponent(identifier)}`;
  const parts = query === '' ? [] : query.split('&');
  const at = parts.findIndex((part) => part.split('=')[0]?.toLowerCase() === 'identifier');
  if (at < 0) parts.unshift(encoded);
  else parts[at] = encoded;
  return parts.join('&');
}

function encodeAgain(bytes: Buffer, coding: StoredBody['decoded']): Buffer {
  if (coding === 'gzip') return gzipSync(bytes);
  if (coding === 'deflate') return deflateSync(bytes);
  if (coding === 'br') return brotliCompressSync(bytes);
  return bytes;
}

function planBody(
  source: ReplaySource,
  options: ReplayOptions,
  warnings: string[],
): Buffer | { error: string } {
  if (options.body !== undefined)
    return Buffer.from(options.body, options.bodyEncoding === 'base64' ? 'base64' : 'utf8');
  const body = source.body;
  if (body.omitted)
    return { error: `the request body was not stored (${body.omitted}); send an edited body` };
  if (body.truncated)
    return {
      error: `only ${Buffer.byteLength(body.data)} of ${body.size} request body bytes were stored; send an edited body`,
    };
  if (body.incomplete && body.size > 0)
    warnings.push('the original request body was not read to its end; the part that was is sent');
  if (body.encoding === 'utf8' && body.data.includes(REDACTED))
    warnings.push('the request body contains redacted values, sent as [REDACTED]');
  return encodeAgain(bodyBytes(body), body.decoded);
}

function planHeaders(
  source: ReplaySource,
  options: ReplayOptions,
  bodyLength: number,
  warnings: string[],
): HeaderMap {
  const headers: HeaderMap = {};
  for (const [name, value] of Object.entries(source.headers)) {
    const lower = name.toLowerCase();
    if (isReplayManagedHeader(lower)) continue;
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => v.includes(REDACTED))) {
      // A credential we never stored is left out rather than sent as the marker.
      if (lower === 'cookie' || lower === 'x-identity-header') continue;
      warnings.push(`header '${lower}' contains redacted values, sent as [REDACTED]`);
    }
    headers[lower] = value;
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = value;
  }
  if (bodyLength > 0 || source.body.size > 0) headers['content-length'] = String(bodyLength);
  return headers;
}

/** Applies the target and edits to a source; the caller adds the token and the replay nonce. */
export function planReplay(
  source: ReplaySource,
  options: ReplayOptions,
  ctx: PlanContext,
): ReplayPlan | { error: string } {
  const warnings: string[] = [];
  const pool = options.pool ?? source.pool;
  if (!pool) return { error: 'the request names no pool; choose one' };
  // The original prefix keeps the client's spelling; another pool, or a HAR entry (prefix ''), gets this emulator's.
  const own = ctx.poolPrefix(pool);
  const prefix =
    (options.pool && options.pool !== source.pool) || !source.prefix ? own : own && source.prefix;
  if (!prefix) return { error: `this emulator has no pool named '${pool}'` };
  const method = (options.method ?? source.method).toUpperCase();
  if (!TOKEN.test(method)) return { error: `'${method}' is not an HTTP method` };
  const target = options.path ?? source.target;
  if (!target.startsWith('/')) return { error: "'path' must start with '/'" };
  let query = options.query ?? source.query;
  const identifier = options.identifier ?? ctx.identifierFor(identifierFromQuery(query));
  if (identifier !== undefined) query = withIdentifier(query, identifier);
  if (query.includes(REDACTED)) warnings.push('the query contains redacted values, sent as [REDACTED]');
  const body = planBody(source, options, warnings);
  if (!Buffer.isBuffer(body)) return body;
  return {
    pool,
    method,
    url: `${prefix}${target}${query ? `?${query}` : ''}`,
    headers: planHeaders(source, options, body.length, warnings),
    body,
    warnings,
  };
}
