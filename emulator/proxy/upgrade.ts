import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Errors, type ApiError } from '../errors.js';
import { admit, forwardContext, type DataPlaneDeps } from '../http/data-plane.js';
import { toApiError, writeAzureErrorToSocket } from '../http/azure-error.js';
import { parsePoolUrl } from '../http/pool-url.js';
import { requireIdentifier } from '../pool/identifier.js';
import { upstreamRequestHeaders } from './headers.js';
import type { ExchangeAnnotation } from '../traffic/annotations.js';

/** What an observer (the traffic recorder) learns about an upgrade handshake; never the frames. */
export interface UpgradeHandshake
  extends Pick<ExchangeAnnotation, 'pool' | 'identifier' | 'sessionId' | 'allocated' | 'cold' | 'waitMs' | 'connectMs'> {
  /** performance.now() when the upgrade request arrived. */
  startedAt: number;
  /** The connected session socket, already piped to the client: observers may read it, never write. */
  upstream?: Socket;
  /** The handshake failed with this error (written to the client as an Azure error). */
  error?: ApiError;
}

export type UpgradeObserver = (req: IncomingMessage, handshake: UpgradeHandshake) => void;

const observers = new Set<UpgradeObserver>();

/** Tells `observer` about every upgrade handshake in this process; returns the unsubscribe function. */
export function observeUpgrades(observer: UpgradeObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

function notify(req: IncomingMessage, handshake: UpgradeHandshake): void {
  for (const observer of observers) {
    try {
      observer(req, handshake);
    } catch {
      // An observer never breaks a tunnel.
    }
  }
}

/**
 * WebSocket (and any other HTTP/1.1 upgrade) to a session: after allocation the emulator writes the
 * request head to the session and then splices the two sockets together, so frames pass untouched.
 * The tunnel counts as an in-flight request until either side closes, which keeps the cooldown
 * from ending a session with a live socket.
 */
export async function handleUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  deps: DataPlaneDeps,
): Promise<void> {
  socket.on('error', () => socket.destroy());
  const handshake: UpgradeHandshake = { startedAt: performance.now() };
  const url = parsePoolUrl(req.url ?? '');
  if (!url) {
    const error = Errors.routeNotFound(req.url ?? '');
    notify(req, { ...handshake, error });
    writeAzureErrorToSocket(socket, error);
    return;
  }
  handshake.pool = url.pool;
  try {
    const admitted = await admit(req, url, deps);
    if ('error' in admitted) throw admitted.error;
    const parsed = requireIdentifier(url.query);
    if ('error' in parsed) throw parsed.error;
    handshake.identifier = parsed.identifier;
    const acquired = await admitted.pool.acquire(parsed.identifier);
    const { session } = acquired;
    Object.assign(handshake, { sessionId: session.id, allocated: acquired.allocated, cold: acquired.cold, waitMs: acquired.waitedMs });
    const end = admitted.pool.beginRequest(session);
    const connectStarted = performance.now();
    const upstream = connect({ host: session.host, port: session.port });
    const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), deps.limits.connectTimeoutMs);
    upstream.once('connect', () => {
      clearTimeout(timer);
      const headers = upstreamRequestHeaders(req.headers, forwardContext(req, url), true);
      const lines = [`${req.method ?? 'GET'} ${url.rest}${url.query ? `?${url.query}` : ''} HTTP/1.1`];
      for (const [name, value] of Object.entries(headers)) {
        for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${String(v)}`);
      }
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
      notify(req, { ...handshake, connectMs: performance.now() - connectStarted, upstream });
    });
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (upstream.bytesRead === 0 && !socket.destroyed) {
        const failure = Errors.upstreamConnectFailed(session.pool, session.id, error.code ?? error.message);
        if (upstream.bytesWritten === 0) notify(req, { ...handshake, error: failure });
        writeAzureErrorToSocket(socket, failure);
      } else {
        socket.destroy();
      }
    });
    const close = (): void => {
      upstream.destroy();
      socket.destroy();
      end();
    };
    upstream.once('close', close);
    socket.once('close', close);
  } catch (error) {
    notify(req, { ...handshake, error: toApiError(error) });
    writeAzureErrorToSocket(socket, error);
  }
}
