import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { Errors } from '../errors.js';
import { admit, forwardContext, type DataPlaneDeps } from '../http/data-plane.js';
import { writeAzureErrorToSocket } from '../http/azure-error.js';
import { parsePoolUrl } from '../http/pool-url.js';
import { requireIdentifier } from '../pool/identifier.js';
import { upstreamRequestHeaders } from './headers.js';

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
  const url = parsePoolUrl(req.url ?? '');
  if (!url) {
    writeAzureErrorToSocket(socket, Errors.routeNotFound(req.url ?? ''));
    return;
  }
  try {
    const admitted = await admit(req, url, deps);
    if ('error' in admitted) throw admitted.error;
    const parsed = requireIdentifier(url.query);
    if ('error' in parsed) throw parsed.error;
    const { session } = await admitted.pool.acquire(parsed.identifier);
    const end = admitted.pool.beginRequest(session);
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
    });
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (upstream.bytesRead === 0 && !socket.destroyed) {
        writeAzureErrorToSocket(socket, Errors.upstreamConnectFailed(session.pool, session.id, error.code ?? error.message));
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
    writeAzureErrorToSocket(socket, error);
  }
}
