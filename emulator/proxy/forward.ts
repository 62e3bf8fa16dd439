import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError, Errors } from '../errors.js';
import { sendAzureError } from '../http/azure-error.js';
import type { Session } from '../pool/session.js';
import { downstreamResponseHeaders, upstreamRequestHeaders, type ForwardContext } from './headers.js';

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
 * Streams one request to the session and its response back. Nothing is buffered: both bodies are
 * piped, so a 1 GiB upload or download costs a socket buffer, not a gigabyte. Connect and
 * response-header deadlines are separate; once the response has started, a failing session can
 * only be reported by cutting the client connection.
 */
export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  session: Session,
  path: string,
  ctx: ForwardContext,
  limits: ForwardLimits,
  /**
   * The emulator's own response headers, on the session's answer and on errors alike. Passed here
   * rather than set with res.setHeader: headers set before writeHead send Node down its slow path,
   * which validates every header twice (bench: a few µs per request).
   */
  extraHeaders: Record<string, string> = {},
): Promise<ForwardOutcome> {
  const started = performance.now();
  const outcome: ForwardOutcome = { totalMs: 0 };
  return new Promise<ForwardOutcome>((resolve) => {
    let settled = false;
    let headersTimer: NodeJS.Timeout | undefined;
    let connectTimer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(headersTimer);
      outcome.totalMs = performance.now() - started;
      resolve(outcome);
    };
    const fail = (error: ApiError): void => {
      if (settled) return;
      outcome.error = error;
      outcome.status = error.status;
      upstream.destroy();
      sendAzureError(res, error, extraHeaders);
      finish();
    };
    const upstream = httpRequest({
      host: session.host,
      port: session.port,
      method: req.method,
      path,
      headers: upstreamRequestHeaders(req.headers, ctx),
      agent: session.agent,
    });
    upstream.on('socket', (socket: Socket) => {
      const onConnect = (): void => {
        clearTimeout(connectTimer);
        outcome.connectMs = performance.now() - started;
        headersTimer = setTimeout(
          () => fail(Errors.upstreamTimeout(session.pool, session.id, 'send response headers', limits.responseHeadersTimeoutMs)),
          limits.responseHeadersTimeoutMs,
        );
      };
      // A kept-alive socket is already connected: no connect deadline to arm (one timer less per request).
      if (!socket.connecting) return onConnect();
      connectTimer = setTimeout(
        () => fail(Errors.upstreamTimeout(session.pool, session.id, 'accept the connection', limits.connectTimeoutMs)),
        limits.connectTimeoutMs,
      );
      socket.once('connect', onConnect);
    });
    upstream.on('response', (upstreamRes: IncomingMessage) => {
      clearTimeout(headersTimer);
      outcome.ttfbMs = performance.now() - started;
      outcome.status = upstreamRes.statusCode ?? 502;
      res.writeHead(outcome.status, upstreamRes.statusMessage, Object.assign(downstreamResponseHeaders(upstreamRes.headers), extraHeaders));
      // Headers go out as soon as the session sent them (long polls, server-sent events): for a
      // streamed response (no Content-Length) with no body yet, they are flushed on their own once this
      // read is handled. Otherwise they leave with the first body chunk, one socket write instead of
      // two (bench: ~50 µs per request); a sized body follows its headers at once, so it skips the check.
      if (upstreamRes.headers['content-length'] === undefined) {
        let bodyStarted = false;
        upstreamRes.once('data', () => (bodyStarted = true));
        setImmediate(() => {
          if (!bodyStarted && !res.writableEnded && !res.destroyed) res.flushHeaders();
        });
      }
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => res.destroy());
      upstreamRes.on('aborted', () => res.destroy());
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      if (res.headersSent) {
        outcome.error = Errors.upstreamFailed(session.pool, session.id, error.code ?? error.message);
        res.destroy();
        finish();
        return;
      }
      const detail = error.code ?? error.message;
      fail(
        outcome.ttfbMs === undefined && outcome.connectMs === undefined
          ? Errors.upstreamConnectFailed(session.pool, session.id, detail)
          : Errors.upstreamFailed(session.pool, session.id, detail),
      );
    });
    // The client went away (or the response completed): stop talking to the session.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
      finish();
    });
    req.on('error', () => upstream.destroy());
    req.pipe(upstream);
  });
}
