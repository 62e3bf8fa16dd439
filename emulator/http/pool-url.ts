/**
 * Pool endpoint URLs in the newer real format:
 *   /subscriptions/<sub>/resourceGroups/<rg>/sessionPools/<pool>[/<rest>][?<query>]
 * The fixed segments match case-insensitively, as ARM-style paths do.
 */
const POOL_PATH = /^\/subscriptions\/([^/?#]+)\/resourceGroups\/([^/?#]+)\/sessionPools\/([^/?#]+)(\/[^?#]*)?(?:\?([^#]*))?$/i;

export interface PoolUrl {
  subscriptionId: string;
  resourceGroup: string;
  pool: string;
  /** The path after the pool endpoint, always starting with '/'. */
  rest: string;
  /** The raw query string without '?', passed to the session unchanged. */
  query: string;
  /** The pool endpoint path as the client wrote it. */
  prefix: string;
}

function decode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function parsePoolUrl(url: string): PoolUrl | undefined {
  const match = POOL_PATH.exec(url);
  if (!match) return undefined;
  const [, sub = '', rg = '', pool = '', rest, query] = match;
  const restPath = rest ?? '/';
  const prefixEnd = url.length - (query === undefined ? 0 : query.length + 1) - (rest?.length ?? 0);
  return {
    subscriptionId: decode(sub),
    resourceGroup: decode(rg),
    pool: decode(pool),
    rest: restPath,
    query: query ?? '',
    prefix: url.slice(0, prefixEnd),
  };
}

export function poolPath(subscriptionId: string, resourceGroup: string, pool: string): string {
  return `/subscriptions/${encodeURIComponent(subscriptionId)}/resourceGroups/${encodeURIComponent(resourceGroup)}/sessionPools/${encodeURIComponent(pool)}`;
}
