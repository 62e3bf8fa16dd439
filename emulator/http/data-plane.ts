import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ApiError } from '../errors.js';
import { Errors } from '../errors.js';
import type { EventStream } from '../events.js';
import { requireIdentifier } from '../pool/identifier.js';
import type { SessionPool } from '../pool/session-pool.js';
import { forwardRequest, type ForwardLimits } from '../proxy/forward.js';
import type { ForwardContext } from '../proxy/headers.js';
import { sendAzureError, toApiError } from './azure-error.js';
import { handleManagement } from './management.js';
import type { PoolUrl } from './pool-url.js';
import { annotateExchange } from '../traffic/annotations.js';

export interface DataPlaneDeps {
  findPool(url: PoolUrl): SessionPool | undefined;
  /** The auth slot: returns the error to answer with, or undefined to let the request through. */
  authenticate?(req: IncomingMessage): Promise<{ error: ApiError; headers?: Record<string, string> } | undefined>;
  events: EventStream;
  limits: ForwardLimits;
}

export function requestOrigin(req: IncomingMessage): { proto: 'http' | 'https'; host: string; base: string } {
  const proto = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  const host = req.headers.host ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? ''}`;
  return { proto, host, base: `${proto}://${host}` };
}

export function forwardContext(req: IncomingMessage, url: PoolUrl): ForwardContext {
  const { proto, host } = requestOrigin(req);
  return { clientAddress: req.socket.remoteAddress ?? '', proto, host, prefix: url.prefix };
}

function admitWithoutAuth(url: PoolUrl, deps: DataPlaneDeps): { pool: SessionPool } | { error: ApiError; headers?: Record<string, string> } {
  const pool = deps.findPool(url);
  return pool ? { pool } : { error: Errors.poolNotFound(url.pool) };
}

/** Resolves the pool and runs the auth slot; shared by plain requests and WebSocket upgrades. */
export async function admit(
  req: IncomingMessage,
  url: PoolUrl,
  deps: DataPlaneDeps,
): Promise<{ pool: SessionPool } | { error: ApiError; headers?: Record<string, string> }> {
  const pool = deps.findPool(url);
  if (!pool) return { error: Errors.poolNotFound(url.pool) };
  const denied = await deps.authenticate?.(req);
  if (denied) return denied;
  return { pool };
}

/** Handles a request under a pool endpoint (`url`, already matched): forwarded or `/.management/*`. */
export async function handlePoolRequest(req: IncomingMessage, res: ServerResponse, url: PoolUrl, deps: DataPlaneDeps): Promise<void> {
  const isManagement = url.rest.startsWith('/.management/');
  annotateExchange(res, { kind: isManagement ? 'management' : 'data', pool: url.pool, target: url.rest });
  // Without the auth slot there is nothing to wait for: no promise and no tick on the hot path.
  const admitted = deps.authenticate ? await admit(req, url, deps) : admitWithoutAuth(url, deps);
  if ('error' in admitted) {
    annotateExchange(res, { errorCode: admitted.error.code });
    sendAzureError(res, admitted.error, admitted.headers);
    return;
  }
  const { pool } = admitted;
  try {
    if (isManagement) {
      await handleManagement(req, res, pool, url, requestOrigin(req).base);
      return;
    }
    const parsed = requireIdentifier(url.query);
    if ('error' in parsed) throw parsed.error;
    annotateExchange(res, { identifier: parsed.identifier });
    // A bound identifier (almost every request) takes its session without waiting on a promise.
    const acquired = pool.boundSession(parsed.identifier) ?? (await pool.acquire(parsed.identifier));
    annotateExchange(res, {
      sessionId: acquired.session.id,
      allocated: acquired.allocated,
      cold: acquired.cold,
      waitMs: acquired.waitedMs,
    });
    const end = pool.beginRequest(acquired.session);
    try {
      const ours = {
        'x-sessionite-session': acquired.session.id,
        'x-sessionite-allocation': acquired.allocated ? (acquired.cold ? 'cold' : 'warm') : 'existing',
      };
      const path = url.rest + (url.query ? `?${url.query}` : '');
      const outcome = await forwardRequest(req, res, acquired.session, path, forwardContext(req, url), deps.limits, ours);
      end();
      annotateExchange(res, { connectMs: outcome.connectMs, ttfbMs: outcome.ttfbMs, errorCode: outcome.error?.code });
      if (outcome.error) reportFailure(deps, pool, outcome.error, acquired.session.id, parsed.identifier);
      deps.events.emit({
        type: 'request.completed',
        pool: pool.name,
        sessionId: acquired.session.id,
        identifier: parsed.identifier,
        method: req.method ?? 'GET',
        status: outcome.status ?? 0,
        totalMs: outcome.totalMs,
      });
    } finally {
      end();
    }
  } catch (error) {
    const apiError = toApiError(error);
    annotateExchange(res, { errorCode: apiError.code });
    reportFailure(deps, pool, apiError, undefined, undefined);
    sendAzureError(res, apiError);
  }
}

function reportFailure(
  deps: DataPlaneDeps,
  pool: SessionPool,
  error: ApiError,
  sessionId: string | undefined,
  identifier: string | undefined,
): void {
  if (error.status < 500 && error.status !== 429) return;
  deps.events.emit({
    type: 'request.failed',
    pool: pool.name,
    sessionId,
    identifier,
    status: error.status,
    code: error.code,
    message: error.message,
  });
}
