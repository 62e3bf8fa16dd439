import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { handleUpgrade } from '../proxy/upgrade.js';
import { Errors } from '../errors.js';
import { sendAzureError, writeAzureErrorToSocket } from './azure-error.js';
import { handlePoolRequest, type DataPlaneDeps } from './data-plane.js';
import { parsePoolUrl } from './pool-url.js';

/**
 * Sees a pool-endpoint request before the data plane handles it (the traffic recorder's tap). An
 * observer only watches: it must not answer, and it runs synchronously before any byte is read.
 */
export type DataPlaneObserver = (req: IncomingMessage, res: ServerResponse) => void;

export interface RequestHandlerDeps {
  /** Everything that is not a pool endpoint: the express app (health, tokens, ARM, admin API). */
  routes(req: IncomingMessage, res: ServerResponse): void;
  dataPlane: DataPlaneDeps;
  /** True when the client is a session container; sessions may not call the emulator at all. */
  isSessionAddress(address: string | undefined): boolean;
  observers: readonly DataPlaneObserver[];
}

/**
 * The listeners' request handler. Pool endpoints are matched here, by hand, before express: the
 * data plane is the hot path (every forwarded request), and walking express's middleware stack cost
 * about as much CPU as the forwarding itself (bench, forwarding scenario). Everything else goes to
 * express unchanged.
 *
 * Security invariant: the session-address guard runs first for every request, on both paths, so
 * code in a session can reach neither the admin, ARM and token routes nor another pool's sessions
 * through the emulator when it listens beyond loopback.
 */
export function createRequestHandler(
  deps: RequestHandlerDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (deps.isSessionAddress(req.socket.remoteAddress)) {
      sendAzureError(res, Errors.forbiddenFromSession());
      return;
    }
    const url = parsePoolUrl(req.url ?? '');
    if (!url) {
      deps.routes(req, res);
      return;
    }
    for (const observe of deps.observers) observe(req, res);
    handlePoolRequest(req, res, url, deps.dataPlane).catch((error: unknown) => sendAzureError(res, error));
  };
}

/** The listeners' upgrade handler (WebSocket tunnels to sessions), behind the same session guard. */
export function createUpgradeHandler(
  deps: Pick<RequestHandlerDeps, 'dataPlane' | 'isSessionAddress'>,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    if (deps.isSessionAddress(req.socket.remoteAddress))
      writeAzureErrorToSocket(socket, Errors.forbiddenFromSession());
    else void handleUpgrade(req, socket, head, deps.dataPlane);
  };
}
