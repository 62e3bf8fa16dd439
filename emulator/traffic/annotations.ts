import type { ServerResponse } from 'node:http';
import type { ExchangeKind } from './types.js';

/**
 * What the engine knows about an exchange that the bytes on the wire do not say: which pool,
 * identifier and session it reached, whether it allocated that session, and where the time went.
 * Route handlers annotate the response; the recorder (if any) reads the annotation when the
 * response ends. A WeakMap keeps this off the hot path's objects and frees it with the response.
 */
export type { ExchangeKind };

export interface ExchangeAnnotation {
  kind?: ExchangeKind;
  pool?: string;
  /** The path below the pool endpoint (data plane): saves the recorder parsing the URL again. */
  target?: string;
  identifier?: string;
  sessionId?: string;
  /** The request bound a session to its identifier (first request of that identifier). */
  allocated?: boolean;
  /** No ready session existed: the request waited for a container to start. */
  cold?: boolean;
  /** Time spent waiting for a session (allocation or cold start). */
  waitMs?: number;
  connectMs?: number;
  /** Time from the start of forwarding to the session's response headers. */
  ttfbMs?: number;
  errorCode?: string;
  /** Set on replays: the recorded exchange this one repeats. */
  replayOf?: string;
}

const annotations = new WeakMap<ServerResponse, ExchangeAnnotation>();

/**
 * Called by the recorder's tap for an exchange it records. Only those are annotated: when recording
 * is paused (or no recorder runs) `annotateExchange` is one failed lookup, nothing allocated.
 */
export function beginAnnotation(res: ServerResponse): void {
  annotations.set(res, {});
}

export function annotateExchange(res: ServerResponse, fields: ExchangeAnnotation): void {
  const current = annotations.get(res);
  if (current) Object.assign(current, fields);
}

export function exchangeAnnotation(res: ServerResponse): ExchangeAnnotation | undefined {
  return annotations.get(res);
}
