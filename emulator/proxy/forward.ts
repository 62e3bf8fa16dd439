import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { ApiError, Errors } from '../errors.js';
import { sendAzureError } from '../http/azure-error.js';
import type { Session } from '../pool/session.js';
import { downstreamRawHeaders, hasNoBody, upstreamRequestHeaders, type ForwardContext } from './headers.js';

export interface ForwardLimits {
  connectTimeoutMs: number;
  responseHeadersTimeoutMs: number;
}

export interface ForwardOutcome {
  status?: number;
  error?: ApiError;
  connectMs?: number;
  ttfbMs?: number;
  totalMs: number;
}

/**
 * Streams one request to the session and its response back. Nothing is buffered: the request body
 * is streamed by the session's undici pool and every response chunk is written as it arrives, with
 * the pool paused while the client's socket is full, so a 1 GiB upload or download costs a socket
 * buffer, not a gigabyte.
 *
 * undici rather than http.request: on the hot path it is the cheaper client (bench, forwarding: the
 * reference Node proxy spends 96 µs per request with http.request and 66 µs with undici). Its
 * deadlines replace ours: connect (the pool's, `Session.dispatcher`) and response headers (per
 * request, refreshed while a long upload is still being sent). Once the response has started, a
 * failing session can only be reported by cutting the client connection.
 */
export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  session: Session,
  path: string,
  ctx: ForwardContext,
  limits: ForwardLimits,
  /**
   * The emulator's own response headers, on the session's answer and on errors alike. Passed to
   * writeHead rather than set with res.setHeader: headers set before writeHead send Node down its
   * slow path, which validates every header twice (bench: a few µs per request).
   */
  extraHeaders: Record<string, string> = {},
): Promise<ForwardOutcome> {
  const started = performance.now();
  const outcome: ForwardOutcome = { totalMs: 0 };
  return new Promise<ForwardOutcome>((resolve) => {
    let settled = false;
    let abort: ((reason?: Error) => void) | undefined;
    let resume: (() => void) | undefined;
    let bodyStarted = false;
    /** The client left: a request undici has not yet put on a socket is aborted when it gets there. */
    let clientGone = false;
    const leave = (why: string): void => {
      clientGone = true;
      abort?.(new Error(why));
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      outcome.totalMs = performance.now() - started;
      resolve(outcome);
    };
    // undici's own callback interface (marked deprecated in its types): its core calls exactly these,
    // while the newer controller interface is an adapter over them that parses every response's
    // headers into an object we would only turn back into a list.
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abortRequest) {
        abort = abortRequest;
        if (clientGone) return abortRequest(new Error('the client closed the connection'));
        outcome.connectMs = performance.now() - started;
      },
      onHeaders(statusCode, rawHeaders, resumeRequest, statusText) {
        // Informational answers (100, 102, 103) are not passed on; the final one follows.
        if (statusCode < 200) return true;
        if (res.destroyed) {
          leave('the client closed the connection');
          return false;
        }
        outcome.ttfbMs = performance.now() - started;
        outcome.status = statusCode;
        resume = resumeRequest;
        // The emulator's own headers replace any the session sent under the same names.
        const { headers, sized } = downstreamRawHeaders(rawHeaders, extraHeaders);
        for (const name in extraHeaders) headers.push(name, extraHeaders[name] as string);
        res.writeHead(statusCode, statusText, headers);
        // Headers go out as soon as the session sent them (long polls, server-sent events): for a
        // streamed response (no Content-Length) with no body yet, they are flushed on their own once
        // this read is handled. Otherwise they leave with the first body chunk, one socket write
        // instead of two (bench: ~50 µs per request); a sized body follows its headers at once.
        if (!sized) {
          setImmediate(() => {
            if (!bodyStarted && !res.writableEnded && !res.destroyed) res.flushHeaders();
          });
        }
        return true;
      },
      onData(chunk) {
        bodyStarted = true;
        if (!res.destroyed) return res.write(chunk);
        leave('the client closed the connection');
        return false;
      },
      onComplete() {
        res.end();
      },
      onError(error) {
        if (settled) return;
        if (res.headersSent) {
          outcome.error = Errors.upstreamFailed(session.pool, session.id, errorDetail(error));
          res.destroy();
          finish();
          return;
        }
        outcome.error = upstreamError(session, error, limits, outcome.connectMs !== undefined);
        outcome.status = outcome.error.status;
        sendAzureError(res, outcome.error, extraHeaders);
        finish();
      },
    };
    // The client left while a session was being found (a cold start): nothing to send it.
    // (req.socket, not res.socket: a pipelined request's response gets its socket only when its turn comes.)
    if (res.destroyed || req.socket.destroyed) return finish();
    // A full client socket pauses the session's response; draining resumes it.
    res.on('drain', () => resume?.());
    // The client went away (or the response completed): stop talking to the session.
    res.on('close', () => {
      if (!res.writableFinished) leave('the client closed the connection');
      finish();
    });
    req.on('error', () => leave('the client request failed'));
    session.dispatcher(limits.connectTimeoutMs).dispatch(
      {
        origin: session.origin,
        method: (req.method ?? 'GET'),
        path,
        headers: upstreamRequestHeaders(req.headers, ctx) as Record<string, string | string[]>,
        body: hasNoBody(req.headers) ? null : req,
        headersTimeout: limits.responseHeadersTimeoutMs,
        bodyTimeout: 0,
      },
      handler,
    );
  });
}

function errorDetail(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code && !code.startsWith('UND_ERR') ? code : error.message;
}

/** The Azure error for a session that failed before its response started. */
function upstreamError(session: Session, error: Error, limits: ForwardLimits, connected: boolean): ApiError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return Errors.upstreamTimeout(session.pool, session.id, 'accept the connection', limits.connectTimeoutMs);
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return Errors.upstreamTimeout(session.pool, session.id, 'send response headers', limits.responseHeadersTimeoutMs);
  return connected ? Errors.upstreamFailed(session.pool, session.id, errorDetail(error)) : Errors.upstreamConnectFailed(session.pool, session.id, errorDetail(error));
}
