import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Errors } from '../errors.js';
import { sendAzureError } from '../http/azure-error.js';
import type { Identity } from '../identity/index.js';
import type { PoolSpec } from '../pool/spec.js';
import type { SessionNetwork } from '../runtime/types.js';
import type { ApiError } from '../errors.js';

/**
 * Managed identity inside sessions. Session containers cannot reach the emulator's loopback
 * listener, so each session network gets a small listener bound to the host's address on that
 * network (the bridge gateway) which serves ONLY the managed-identity token routes. It is reachable
 * even from networks without egress, because the gateway is the host itself. Each pool with
 * `managedIdentitySettings` lifecycle Main has its own endpoint path and secret header, so a session
 * of one pool cannot obtain another pool's tokens.
 */
export class SessionIdentityListeners {
  private readonly listeners = new Map<string, { server: Server; gateway: string; port: number }>();

  constructor(
    private readonly identity: Identity,
    private readonly log: (line: string) => void,
  ) {}

  async attach(network: SessionNetwork): Promise<void> {
    if (this.listeners.has(network.name) || !network.gateway) return;
    const app = express();
    app.disable('x-powered-by');
    app.use(this.identity.managedIdentityRouter);
    app.use((req, res) => sendAzureError(res, Errors.routeNotFound(req.path)));
    const server = createServer(app);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, network.gateway, () => resolve());
      });
    } catch (error) {
      this.log(`warning: managed identity is unavailable inside sessions on ${network.name}: ${String(error)}`);
      return;
    }
    this.listeners.set(network.name, { server, gateway: network.gateway, port: (server.address() as AddressInfo).port });
  }

  /** Environment for a new session of `spec` on `network` (empty unless the pool uses managed identity). */
  sessionEnv(spec: PoolSpec, networkName: string): Record<string, string> {
    if (!spec.managedIdentityInSessions) return {};
    const listener = this.listeners.get(networkName);
    if (!listener) return {};
    const endpoint = this.identity.registerSessionIdentity({
      name: spec.name,
      resourceGroup: spec.resourceGroup,
      subscriptionId: spec.subscriptionId,
    });
    return {
      IDENTITY_ENDPOINT: `http://${listener.gateway}:${listener.port}${endpoint.endpointPath}`,
      IDENTITY_HEADER: endpoint.header,
    };
  }

  async close(): Promise<void> {
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(
      all.map(({ server }) => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        return closed;
      }),
    );
  }
}

/** The data plane's auth slot, backed by the identity's token checks. */
export function dataPlaneAuthenticator(
  identity: Identity,
  authorityOrigin: () => string | undefined,
): (header: string | undefined) => Promise<{ error: ApiError; headers?: Record<string, string> } | undefined> {
  return async (header) => {
    if (identity.mode === 'off') return undefined;
    const result = await identity.verifyDataPlane(header, { authorityOrigin: authorityOrigin() });
    if (result.ok) return undefined;
    return {
      error: result.error,
      headers: result.wwwAuthenticate ? { 'WWW-Authenticate': result.wwwAuthenticate } : undefined,
    };
  };
}
