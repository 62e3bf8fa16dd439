import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { observeUpgrades, type UpgradeHandshake } from '../proxy/upgrade.js';
import { BodyCapture } from './body.js';
import { isUntapped, type CapturedExchange } from './tap.js';

const MAX_HEAD = 16 * 1024;

export interface UpgradeTapOptions {
  /** True when the request reached this emulator's listeners (observers are process-wide). */
  ours(req: IncomingMessage): boolean;
  enabled(): boolean;
  now(): number;
  sink(exchange: CapturedExchange): void;
}

function parseHead(head: string): { status: number; headers: Record<string, string | string[]> } {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string | string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const existing = headers[name];
    headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return { status, headers };
}

function exchangeFor(req: IncomingMessage, handshake: UpgradeHandshake, startedAt: number): CapturedExchange {
  const empty = (): BodyCapture => {
    const body = new BodyCapture(0);
    body.complete = true;
    return body;
  };
  return {
    startedAt,
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    scheme: (req.socket as TLSSocket).encrypted ? 'https' : 'http',
    requestHeaders: { ...req.headers },
    requestBody: empty(),
    status: 0,
    responseHeaders: () => ({}),
    responseBody: empty(),
    totalMs: 0,
    aborted: false,
    upgrade: String(req.headers.upgrade ?? 'upgrade').toLowerCase(),
    annotation: () => ({
      kind: 'data',
      pool: handshake.pool,
      identifier: handshake.identifier,
      sessionId: handshake.sessionId,
      allocated: handshake.allocated,
      cold: handshake.cold,
      waitMs: handshake.waitMs,
      connectMs: handshake.connectMs,
      errorCode: handshake.error?.code,
    }),
  };
}

/** Reads the session's response head off the tunnel (a listener beside the pipe; bytes still flow). */
function readHead(handshake: UpgradeHandshake, exchange: CapturedExchange, done: () => void): void {
  const upstream = handshake.upstream;
  if (!upstream) return;
  let head = '';
  const onData = (chunk: Buffer): void => {
    head += chunk.toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    if (end < 0 && head.length < MAX_HEAD) return;
    upstream.off('data', onData);
    upstream.off('close', onClose);
    const parsed = parseHead(end < 0 ? head : head.slice(0, end));
    exchange.status = parsed.status;
    exchange.responseHeaders = () => parsed.headers;
    done();
  };
  const onClose = (): void => {
    upstream.off('data', onData);
    exchange.aborted = true;
    done();
  };
  upstream.on('data', onData);
  upstream.once('close', onClose);
}

/** Records WebSocket handshakes (request head and the session's status line and headers), not frames. */
export function tapUpgrades(options: UpgradeTapOptions): () => void {
  return observeUpgrades((req, handshake) => {
    if (!options.ours(req) || isUntapped(req.url ?? '/') || !options.enabled()) return;
    // Each handshake is reported once; its start in clock time is now minus what it has taken so far.
    const startedAt = options.now() - (performance.now() - handshake.startedAt);
    const exchange = exchangeFor(req, handshake, startedAt);
    const finish = (): void => {
      exchange.totalMs = performance.now() - handshake.startedAt;
      exchange.headersMs = exchange.totalMs;
      options.sink(exchange);
    };
    if (handshake.error) {
      const { status, code } = handshake.error;
      exchange.status = status;
      exchange.responseHeaders = () => ({ 'content-type': 'application/json; charset=utf-8', 'x-ms-error-code': code });
      finish();
      return;
    }
    readHead(handshake, exchange, finish);
  });
}
