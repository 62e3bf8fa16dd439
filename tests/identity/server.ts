import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type Server, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { type Identity, type IdentityOptions, createIdentity } from '../../emulator/identity/index.js';

/**
 * An emulator-shaped host for the identity module: the token service on HTTPS (as real clients need),
 * managed identity on plain HTTP, and `/probe/data` + `/probe/arm` standing in for the HTTP edge that
 * turns a verify() failure into a response (status, Azure error body, WWW-Authenticate).
 */
export interface TestServers {
  identity: Identity;
  dataDir: string;
  httpsOrigin: string;
  httpOrigin: string;
  close(): Promise<void>;
}

export async function startTestServers(opts: Omit<IdentityOptions, 'dataDir'>): Promise<TestServers> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sessionite-identity-'));
  const identity = await createIdentity({ ...opts, dataDir });
  const app = express();
  app.use(identity.tokenRouter);
  app.use(identity.managedIdentityRouter);
  let httpsOrigin = '';
  app.get(['/probe/data', '/probe/arm'], async (req, res) => {
    const header = req.get('authorization');
    const result = req.path.endsWith('/arm')
      ? await identity.verifyArm(header, httpsOrigin, { authorityOrigin: httpsOrigin })
      : await identity.verifyDataPlane(header, { authorityOrigin: httpsOrigin });
    if (result.ok) {
      res.json({ claims: result.claims, source: result.source });
      return;
    }
    if (result.wwwAuthenticate) res.set('WWW-Authenticate', result.wwwAuthenticate);
    res
      .status(result.error.status)
      .set('x-ms-error-code', result.error.code)
      .json({ error: { code: result.error.code, message: result.error.message }, reason: result.reason });
  });
  const https = createHttpsServer({ key: identity.tls.key, cert: identity.tls.cert }, app);
  const http = createHttpServer(app);
  httpsOrigin = `https://127.0.0.1:${await listen(https)}`;
  const httpOrigin = `http://127.0.0.1:${await listen(http)}`;
  return {
    identity,
    dataDir,
    httpsOrigin,
    httpOrigin,
    async close() {
      https.closeAllConnections();
      http.closeAllConnections();
      await Promise.all([close(https), close(http)]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
