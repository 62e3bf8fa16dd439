import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpProbeSpec, ProbeSpec, TcpProbeSpec } from '../pool/spec.js';
import { checkProbe, NotReadyError, runProbe, waitUntilReady } from './wait-ready.js';

const HOST = '127.0.0.1';
const servers: net.Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function listen<T extends net.Server>(server: T, port = 0): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  servers.splice(servers.indexOf(server), 1);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function httpServer(handler: http.RequestListener): http.Server {
  return http.createServer(handler);
}

const httpCheck = (port: number, path = '/health', headers: Record<string, string> = {}): HttpProbeSpec => ({
  kind: 'http',
  path,
  port,
  scheme: 'HTTP',
  headers,
});

const startup = (check: HttpProbeSpec | TcpProbeSpec, extra: Partial<ProbeSpec> = {}): ProbeSpec => ({
  type: 'Startup',
  check,
  failureThreshold: 3,
  initialDelayMs: 0,
  periodMs: 10_000,
  timeoutMs: 1_000,
  ...extra,
});

async function rejection(promise: Promise<unknown>): Promise<NotReadyError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(NotReadyError);
  return error as NotReadyError;
}

describe('waitUntilReady (TCP)', () => {
  it('resolves at once when the port accepts connections', async () => {
    const port = await listen(net.createServer((s) => s.end()));
    const ready = await waitUntilReady({ host: HOST, port, timeoutMs: 2_000, settleMs: 0 });
    expect(ready.attempts).toBe(1);
  });

  it('keeps polling until the server starts listening', async () => {
    const port = await closedPort();
    const waiting = waitUntilReady({ host: HOST, port, timeoutMs: 5_000, settleMs: 0 });
    // The first attempt's connect is issued on a tick before this macrotask, so it meets a closed port.
    await new Promise((resolve) => setImmediate(resolve));
    await listen(net.createServer((s) => s.end()), port);
    const ready = await waiting;
    expect(ready.attempts).toBeGreaterThan(1);
  });

  it('times out with the last failure in the message', async () => {
    const port = await closedPort();
    const error = await rejection(waitUntilReady({ host: HOST, port, timeoutMs: 150 }));
    expect(error.reason).toBe('timeout');
    expect(error.lastFailure).toMatch(/ECONNREFUSED/);
    expect(error.message).toMatch(/not ready within 150 ms/);
  });

  it('fails as soon as the container exits, with its exit code', async () => {
    const port = await closedPort();
    let exit!: (value: { exitCode: number | null }) => void;
    const exited = new Promise<{ exitCode: number | null }>((resolve) => (exit = resolve));
    const started = performance.now();
    const waiting = waitUntilReady({ host: HOST, port, timeoutMs: 30_000, exited });
    exit({ exitCode: 2 });
    const error = await rejection(waiting);
    expect(error.reason).toBe('exited');
    expect(error.message).toMatch(/exited with code 2/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('says when the container was OOM-killed', async () => {
    const port = await closedPort();
    const exited = Promise.resolve({ exitCode: 137, oomKilled: true });
    const error = await rejection(waitUntilReady({ host: HOST, port, timeoutMs: 30_000, exited }));
    expect(error.message).toMatch(/memory limit/);
  });

  it('fails when the signal aborts, even one aborted beforehand', async () => {
    const port = await closedPort();
    const controller = new AbortController();
    const waiting = waitUntilReady({ host: HOST, port, timeoutMs: 30_000, signal: controller.signal });
    controller.abort();
    expect((await rejection(waiting)).reason).toBe('aborted');
    const early = await rejection(waitUntilReady({ host: HOST, port, timeoutMs: 30_000, signal: AbortSignal.abort() }));
    expect(early.reason).toBe('aborted');
  });

  it('does not count a connection the peer drops at once (a port-publishing proxy) as ready', async () => {
    const port = await listen(net.createServer((s) => s.destroy()));
    const error = await rejection(waitUntilReady({ host: HOST, port, timeoutMs: 300, settleMs: 100 }));
    expect(error.reason).toBe('timeout');
    expect(error.lastFailure).toMatch(/closed the connection|ECONNRESET/);
  });

  it('settles by default on loopback, where sessions sit behind a proxy', async () => {
    const port = await listen(net.createServer((s) => s.destroy()));
    expect((await rejection(waitUntilReady({ host: HOST, port, timeoutMs: 300 }))).reason).toBe('timeout');
  });
});

describe('waitUntilReady with a Startup probe', () => {
  it('waits until the HTTP probe passes, not merely until the port is open', async () => {
    let calls = 0;
    const port = await listen(httpServer((_req, res) => res.writeHead(++calls < 4 ? 503 : 200).end()));
    const ready = await waitUntilReady({ host: HOST, port, probe: startup(httpCheck(port)), timeoutMs: 5_000 });
    expect(calls).toBe(4);
    expect(ready.attempts).toBe(4);
  });

  it('dials the published port when the probe targets the target port', async () => {
    const port = await listen(httpServer((_req, res) => res.writeHead(200).end()));
    const probe = startup(httpCheck(8080));
    await expect(waitUntilReady({ host: HOST, port, targetPort: 8080, probe, timeoutMs: 2_000 })).resolves.toBeDefined();
  });

  it('honours initialDelayMs', async () => {
    const port = await listen(httpServer((_req, res) => res.writeHead(200).end()));
    const ready = await waitUntilReady({ host: HOST, port, probe: startup(httpCheck(port), { initialDelayMs: 120 }), timeoutMs: 5_000 });
    expect(ready.elapsedMs).toBeGreaterThanOrEqual(115);
  });

  it('gives up where the platform would: initialDelay + failureThreshold × period', async () => {
    const port = await listen(httpServer((_req, res) => res.writeHead(500).end()));
    const probe = startup(httpCheck(port), { failureThreshold: 2, periodMs: 50 });
    const error = await rejection(waitUntilReady({ host: HOST, port, probe, timeoutMs: 30_000 }));
    expect(error.reason).toBe('timeout');
    expect(error.message).toMatch(/within 100 ms/);
    expect(error.lastFailure).toMatch(/HTTP 500/);
  });
});

describe('runProbe / checkProbe', () => {
  it('passes HTTP 200–399 and fails 4xx/5xx, sending the configured headers', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const port = await listen(
      httpServer((req, res) => {
        seen.push(req.headers);
        res.writeHead(Number(req.url?.slice(1))).end();
      }),
    );
    expect(await runProbe(httpCheck(port, '/200', { 'x-probe': 'yes' }), HOST, 1_000)).toBe(true);
    expect(await runProbe(httpCheck(port, '/302'), HOST, 1_000)).toBe(true);
    expect(await runProbe(httpCheck(port, '/404'), HOST, 1_000)).toBe(false);
    expect(await checkProbe(httpCheck(port, '/500'), HOST, 1_000)).toEqual({ ok: false, reason: 'GET /500 answered HTTP 500' });
    expect(seen[0]?.['x-probe']).toBe('yes');
  });

  it('fails an HTTP probe that does not answer within its timeout', async () => {
    const port = await listen(httpServer(() => undefined));
    const result = await checkProbe(httpCheck(port), HOST, 100);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/within 100 ms/) as unknown });
  });

  it('checks TCP ports', async () => {
    const open = await listen(net.createServer((s) => s.end()));
    expect(await runProbe({ kind: 'tcp', port: open }, HOST, 1_000, { settleMs: 0 })).toBe(true);
    expect(await runProbe({ kind: 'tcp', port: await closedPort() }, HOST, 1_000)).toBe(false);
  });
});
