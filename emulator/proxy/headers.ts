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
    out[name] = value;
  }
  const priorFor = headers['x-forwarded-for'];
  out['x-forwarded-for'] = priorFor ? `${String(priorFor)}, ${ctx.clientAddress}` : ctx.clientAddress;
  out['x-forwarded-proto'] = ctx.proto;
  out['x-forwarded-host'] = ctx.host;
  out['x-forwarded-prefix'] = ctx.prefix;
  return out;
}

export function downstreamResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  return out;
}
