import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** RFC 9110 §7.6.1 hop-by-hop headers; never forwarded in either direction. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const NONE: ReadonlySet<string> = new Set();

/** Header names listed in `Connection` (hop-by-hop too). The usual values list none: no set built. */
function connectionListed(headers: IncomingHttpHeaders): ReadonlySet<string> {
  const value = headers.connection;
  if (!value || value === 'keep-alive' || value === 'close' || value === 'Keep-Alive') return NONE;
  return new Set(value.split(',').map((h) => h.trim().toLowerCase()));
}

/** A request that says it has no body: neither chunked nor a non-zero Content-Length. */
export function hasNoBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

export interface ForwardContext {
  clientAddress: string;
  proto: 'http' | 'https';
  host: string;
  /** The pool endpoint path the client used, e.g. /subscriptions/…/sessionPools/p. */
  prefix: string;
}

/**
 * Headers for the request to the session. The caller's Authorization header is dropped on purpose:
 * session code is untrusted and must never see the caller's Entra token. Standard X-Forwarded-*
 * headers tell the container where the request came from.
 */
export function upstreamRequestHeaders(
  headers: IncomingHttpHeaders,
  ctx: ForwardContext,
  keepUpgrade = false,
): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (name === 'authorization') continue;
    // An upgrade keeps the two headers that make it one; every other hop-by-hop header is dropped.
    if (keepUpgrade && (name === 'upgrade' || name === 'connection')) {
      out[name as string] = value;
      continue;
    }
    if (HOP_BY_HOP.has(name) || listed.has(name)) continue;
    if (name.startsWith('x-forwarded-')) continue;
    // The emulator's own server has already answered `Expect: 100-continue`; the body follows anyway.
    if (name === 'expect') continue;
    out[name] = value;
  }
  const priorFor = headers['x-forwarded-for'];
  out['x-forwarded-for'] = priorFor ? `${String(priorFor)}, ${ctx.clientAddress}` : ctx.clientAddress;
  out['x-forwarded-proto'] = ctx.proto;
  out['x-forwarded-host'] = ctx.host;
  out['x-forwarded-prefix'] = ctx.prefix;
  return out;
}

/**
 * The session's response headers as undici hands them over (raw name/value buffers, repeats kept)
 * minus hop-by-hop ones, those every `Connection` header names, and those named in `replaced` (the
 * emulator's own, which a session must not be able to send twice), in the flat [name, value, …]
 * form writeHead takes; `sized` when the response has a Content-Length.
 */
export function downstreamRawHeaders(raw: Buffer[], replaced: Record<string, string> = {}): { headers: string[]; sized: boolean } {
  const headers: string[] = [];
  let sized = false;
  let listed: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString('latin1');
    const lower = name.toLowerCase();
    if (lower === 'connection') {
      for (const token of connectionListed({ connection: (raw[i + 1] as Buffer).toString('latin1') })) (listed ??= new Set()).add(token);
      continue;
    }
    if (HOP_BY_HOP.has(lower) || Object.hasOwn(replaced, lower)) continue;
    if (lower === 'content-length') sized = true;
    headers.push(name, (raw[i + 1] as Buffer).toString('latin1'));
  }
  if (!listed) return { headers, sized };
  const kept: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (!listed.has((headers[i] as string).toLowerCase())) kept.push(headers[i] as string, headers[i + 1] as string);
  }
  return { headers: kept, sized: sized && !listed.has('content-length') };
}
