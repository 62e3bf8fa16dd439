import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStream } from '../events.js';
import { createRequestHandler } from './request-handler.js';

const POOL_PATH = '/subscriptions/s1/resourceGroups/rg/sessionPools/missing';

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(options: { fromSession: boolean }) {
  const routed: string[] = [];
  const observed: string[] = [];
  const handler = createRequestHandler({
    routes: (req: IncomingMessage, res: ServerResponse) => {
      routed.push(req.url ?? '');
      res.end('routed');
    },
    dataPlane: {
      findPool: () => undefined,
      events: new EventStream(Date.now),
      limits: { connectTimeoutMs: 1000, responseHeadersTimeoutMs: 1000 },
    },
    isSessionAddress: () => options.fromSession,
    observers: [(req) => observed.push(req.url ?? '')],
  });
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, routed, observed };
}

describe('createRequestHandler', () => {
  it('hands pool endpoints to the data plane, after the observers, and everything else to the routes', async () => {
    const { base, routed, observed } = await serve({ fromSession: false });
    const pool = await fetch(`${base}${POOL_PATH}/run?identifier=user-1`);
    expect(pool.status).toBe(404);
    expect(pool.headers.get('x-ms-error-code')).toBe('SessionPoolNotFound');
    expect(((await pool.json()) as { error: { code: string } }).error.code).toBe('SessionPoolNotFound');
    const other = await fetch(`${base}/healthz`);
    expect(await other.text()).toBe('routed');
    expect(observed).toEqual([`${POOL_PATH}/run?identifier=user-1`]);
    expect(routed).toEqual(['/healthz']);
  });

  it('refuses session containers on every path before anything else sees the request', async () => {
    const { base, routed, observed } = await serve({ fromSession: true });
    for (const path of [`${POOL_PATH}/run?identifier=user-1`, '/_sessionite/api/pools', '/healthz']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(403);
      expect(res.headers.get('x-ms-error-code')).toBe('Forbidden');
    }
    expect(routed).toEqual([]);
    expect(observed).toEqual([]);
  });
});
