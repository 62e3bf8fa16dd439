import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { beginAnnotation, exchangeAnnotation, type ExchangeAnnotation } from './annotations.js';
import { hasNoBody } from '../proxy/headers.js';
import { BodyCapture } from './body.js';

/**
 * Marks a request the recorder sent itself (a replay): its value is a one-time nonce the recorder
 * issued, so a client cannot forge a link. The tap removes the header before the data plane sees it,
 * so the session receives the replay exactly as it received the original.
 */
export const REPLAY_HEADER = 'x-sessionite-replay';

export interface ReplayLink {
  nonce: string;
  replayOf?: string;
  imported?: boolean;
}

/** One exchange as it passed, before redaction and encoding (done off the request path). */
export interface CapturedExchange {
  /** Epoch ms (the emulator's clock) when the request arrived. */
  startedAt: number;
  method: string;
  url: string;
  scheme: 'http' | 'https';
  /** The request's header map as Node parsed it (handlers never change it after the tap has run). */
  requestHeaders: Record<string, unknown>;
  requestBody: BodyCapture;
  status: number;
  /** Read when the record is built, off the request path. */
  responseHeaders(): Record<string, unknown>;
  responseBody: BodyCapture;
  headersMs?: number;
  totalMs: number;
  aborted: boolean;
  /** Read when the record is built: route handlers annotate until the response has closed. */
  annotation(): ExchangeAnnotation | undefined;
  upgrade?: string;
  replay?: ReplayLink;
}

export interface TapOptions {
  captureLimit: number;
  now(): number;
  enabled(): boolean;
  /** The link for a replay nonce the recorder issued, or undefined for an unknown nonce. */
  claimReplay(nonce: string): ReplayLink | undefined;
  sink(exchange: CapturedExchange): void;
}

/** Admin/dashboard and health routes are the emulator talking about itself: never recorded. */
export function isUntapped(url: string): boolean {
  // Pool endpoints (`/subscriptions/…`), the hot path, are told apart by one character: only
  // `/_…`, `/h…` and `/r…` can match (| 0x20 lower-cases letters and turns '_' into 0x7f).
  const second = url.charCodeAt(1) | 0x20;
  if (second !== 0x7f && second !== 0x68 && second !== 0x72) return false;
  const path = url.toLowerCase();
  return path.startsWith('/_sessionite/') || path === '/_sessionite' || path.startsWith('/healthz') || path.startsWith('/readyz');
}

/** Request bodies are observed as `data` events are emitted to whoever reads them: no listener of our own, so the stream's flow is untouched. */
function observeRequest(req: IncomingMessage, body: BodyCapture): void {
  const emit = req.emit.bind(req) as (event: string | symbol, ...args: unknown[]) => boolean;
  req.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'data') body.add(args[0]);
    return emit(event, ...args);
  }) as typeof req.emit;
}

function headerArg(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object') return {};
  if (!Array.isArray(value)) return value as OutgoingHttpHeaders;
  // The raw forms: [[name, value], …] or [name, value, name, value …]; a repeated name (Set-Cookie)
  // becomes a list, as Node's own header maps have it.
  const out: Record<string, unknown> = {};
  const add = (name: unknown, v: unknown): void => {
    const key = String(name).toLowerCase();
    const prior = out[key];
    out[key] = prior === undefined ? v : Array.isArray(prior) ? [...(prior as unknown[]), v] : [prior, v];
  };
  if (Array.isArray(value[0])) for (const pair of value as [unknown, unknown][]) add(pair[0], pair[1]);
  else for (let i = 0; i < value.length; i += 2) add(value[i], value[i + 1]);
  return out;
}

/** Response bytes are seen as they are written; the wrappers pass every argument through unchanged. */
function observeResponse(res: ServerResponse, exchange: CapturedExchange, started: number): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => unknown;
  res.writeHead = ((...args: unknown[]): ServerResponse => {
    exchange.status = typeof args[0] === 'number' ? args[0] : res.statusCode;
    // Kept as passed (the forwarder's flat list is not turned into a map on the request path): the
    // record is built from them later, when the response has closed.
    const passed = typeof args[1] === 'string' ? args[2] : args[1];
    const set = res.getHeaders();
    exchange.responseHeaders = () => ({ ...set, ...headerArg(passed) });
    exchange.headersMs ??= performance.now() - started;
    return writeHead(...args);
  });
  res.write = ((...args: unknown[]): boolean => {
    exchange.responseBody.add(args[0], args[1]);
    return write(...args);
  }) as typeof res.write;
  res.end = ((...args: unknown[]): unknown => {
    if (typeof args[0] !== 'function') exchange.responseBody.add(args[0], args[1]);
    return end(...args);
  }) as typeof res.end;
}

/**
 * The recording tap: express middleware for the routes mounted after it, and called directly (with a
 * no-op `next`) for pool endpoints, which bypass express. While recording is paused it costs a header
 * lookup and a flag check.
 */
export function createTap(options: TapOptions) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = (req as { originalUrl?: string }).originalUrl || req.url || '/';
    if (isUntapped(url)) return next();
    const nonce = req.headers[REPLAY_HEADER];
    const replay = typeof nonce === 'string' ? options.claimReplay(nonce) : undefined;
    if (replay) delete req.headers[REPLAY_HEADER];
    // Replays are recorded even while paused: they are explicit requests whose answer is compared.
    if (!replay && !options.enabled()) return next();
    beginAnnotation(res);
    const started = performance.now();
    const exchange: CapturedExchange = {
      startedAt: options.now(),
      method: req.method ?? 'GET',
      url,
      scheme: (req.socket as TLSSocket).encrypted ? 'https' : 'http',
      requestHeaders: req.headers,
      requestBody: new BodyCapture(options.captureLimit),
      status: 0,
      responseHeaders: () => ({}),
      responseBody: new BodyCapture(options.captureLimit),
      totalMs: 0,
      aborted: false,
      annotation: () => exchangeAnnotation(res),
      ...(replay ? { replay } : {}),
    };
    observeRequest(req, exchange.requestBody);
    observeResponse(res, exchange, started);
    res.once('finish', () => {
      exchange.totalMs = performance.now() - started;
    });
    res.once('close', () => {
      exchange.aborted = !res.writableFinished;
      if (exchange.aborted) exchange.totalMs = performance.now() - started;
      exchange.requestBody.complete = req.readableEnded || hasNoBody(req.headers);
      exchange.responseBody.complete = res.writableFinished;
      options.sink(exchange);
    });
    next();
  };
}
