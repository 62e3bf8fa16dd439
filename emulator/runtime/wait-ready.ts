import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { HttpProbeSpec, ProbeSpec, TcpProbeSpec } from '../pool/spec.js';

/**
 * Readiness of a freshly started session, in the manner of testcontainers' wait strategies: poll
 * quickly, stop the moment the container dies, and say why in the error. Polling starts at ~10 ms
 * and backs off to ~100 ms, so a server that binds in 200 ms is seen within a few ms of binding.
 */

export type ProbeResult = { ok: true } | { ok: false; reason: string };

export interface ProbeOptions {
  /** Dial this port instead of `check.port` (published-port mode maps container ports). */
  port?: number;
  signal?: AbortSignal;
  /**
   * After a TCP connect succeeds, keep the socket open this long and count a close by the peer as
   * "not ready". Port-publishing proxies (docker-proxy, Docker Desktop) accept connections on the
   * published port before the session listens and drop them once their own dial fails.
   */
  settleMs?: number;
}

const LOOPBACK_SETTLE_MS = 50;

/** Sessions are only ever reached on loopback through a port-publishing proxy (see ProbeOptions). */
function defaultSettleMs(host: string): number {
  return host === 'localhost' || host === '::1' || host.startsWith('127.') ? LOOPBACK_SETTLE_MS : 0;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return 'code' in err && typeof err.code === 'string' ? `${err.code}: ${err.message}` : err.message;
  return String(err);
}

/** One TCP connect to host:port; passes when the connection opens (and, with settleMs, stays open). */
export function checkTcp(host: string, port: number, timeoutMs: number, options: ProbeOptions = {}): Promise<ProbeResult> {
  const settleMs = options.settleMs ?? defaultSettleMs(host);
  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve({ ok: false, reason: 'aborted' });
    const socket = net.connect({ host, port });
    let settleTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => done({ ok: false, reason: `connect to ${host}:${port} timed out after ${timeoutMs} ms` }), timeoutMs);
    const onAbort = (): void => done({ ok: false, reason: 'aborted' });
    function done(result: ProbeResult): void {
      clearTimeout(timer);
      clearTimeout(settleTimer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (err) => done({ ok: false, reason: errorText(err) }));
    socket.once('connect', () => {
      if (settleMs <= 0) return done({ ok: true });
      settleTimer = setTimeout(() => done({ ok: true }), settleMs);
      socket.once('end', () => done({ ok: false, reason: `${host}:${port} accepted and closed the connection at once` }));
    });
  });
}

/** One HTTP(S) GET; 200–399 passes, as in Kubernetes. Certificates are not verified (as in Kubernetes). */
export function checkHttp(check: HttpProbeSpec, host: string, timeoutMs: number, options: ProbeOptions = {}): Promise<ProbeResult> {
  const port = options.port ?? check.port;
  const client = check.scheme === 'HTTPS' ? https : http;
  return new Promise((resolve) => {
    const request = client.request({
      host,
      port,
      path: check.path || '/',
      method: 'GET',
      headers: { 'user-agent': 'sessionite-probe/1', accept: '*/*', ...check.headers },
      agent: false,
      rejectUnauthorized: false,
      timeout: timeoutMs,
      signal: options.signal,
    });
    request.once('timeout', () => request.destroy(new Error(`no response within ${timeoutMs} ms`)));
    request.once('error', (err) => resolve({ ok: false, reason: errorText(err) }));
    request.once('response', (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      request.destroy();
      resolve(status >= 200 && status < 400 ? { ok: true } : { ok: false, reason: `GET ${check.path} answered HTTP ${status}` });
    });
    request.end();
  });
}

/** Runs one probe check against `host`; the result says why it failed. */
export function checkProbe(
  check: HttpProbeSpec | TcpProbeSpec,
  host: string,
  timeoutMs: number,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  if (check.kind === 'http') return checkHttp(check, host, timeoutMs, options);
  return checkTcp(host, options.port ?? check.port, timeoutMs, options);
}

/** One probe attempt as a pass/fail, for periodic liveness checks. Never rejects. */
export async function runProbe(
  check: HttpProbeSpec | TcpProbeSpec,
  host: string,
  timeoutMs: number,
  options: ProbeOptions = {},
): Promise<boolean> {
  return (await checkProbe(check, host, timeoutMs, options)).ok;
}

export class NotReadyError extends Error {
  constructor(
    readonly reason: 'exited' | 'aborted' | 'timeout',
    message: string,
    /** Why the last attempt failed, e.g. "ECONNREFUSED: connect ECONNREFUSED 172.18.0.3:8080". */
    readonly lastFailure?: string,
  ) {
    super(message);
    this.name = 'NotReadyError';
  }
}

export interface WaitReadyOptions {
  /** Where the session's target port is dialled. */
  host: string;
  port: number;
  /**
   * A Startup probe: readiness is "the probe passes" instead of "a TCP connect succeeds". Its
   * `initialDelayMs` and per-attempt `timeoutMs` apply; attempts follow the fast backoff rather than
   * `periodMs`, but the session fails once the platform would have given up on it
   * (`initialDelayMs + failureThreshold × periodMs`) if that comes before `timeoutMs`.
   */
  probe?: ProbeSpec;
  /** The container port `port` reaches; a probe aimed at it dials `port`, others dial `probe.check.port`. */
  targetPort?: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Settles when the container exits; the wait then fails at once. */
  exited?: PromiseLike<unknown>;
  /** See ProbeOptions.settleMs; defaults to 50 ms for loopback hosts and 0 otherwise. */
  settleMs?: number;
}

export interface Readiness {
  attempts: number;
  elapsedMs: number;
}

const CONNECT_ATTEMPT_TIMEOUT_MS = 1_000;
const FIRST_INTERVAL_MS = 10;
const MAX_INTERVAL_MS = 100;

function exitText(exit: unknown): string {
  const code = typeof exit === 'object' && exit !== null ? (exit as { exitCode?: unknown }).exitCode : undefined;
  const oom = typeof exit === 'object' && exit !== null && (exit as { oomKilled?: unknown }).oomKilled === true;
  if (oom) return 'the container was killed for exceeding its memory limit before it was ready';
  return typeof code === 'number' ? `the container exited with code ${code} before it was ready` : 'the container exited before it was ready';
}

function budgetMs(options: WaitReadyOptions): number {
  const probe = options.probe;
  if (!probe) return options.timeoutMs;
  return Math.min(options.timeoutMs, probe.initialDelayMs + Math.max(1, probe.failureThreshold) * probe.periodMs);
}

function attempt(options: WaitReadyOptions, signal: AbortSignal, remainingMs: number): Promise<ProbeResult> {
  const { probe, host, port, targetPort } = options;
  const settleMs = options.settleMs;
  if (!probe) return checkTcp(host, port, Math.min(CONNECT_ATTEMPT_TIMEOUT_MS, remainingMs), { signal, settleMs });
  const probePort = probe.check.port === (targetPort ?? port) ? port : probe.check.port;
  return checkProbe(probe.check, host, Math.min(probe.timeoutMs, remainingMs), { port: probePort, signal, settleMs });
}

/** Resolves once the session answers; rejects with a NotReadyError on exit, abort or timeout. */
export async function waitUntilReady(options: WaitReadyOptions): Promise<Readiness> {
  const started = performance.now();
  const budget = budgetMs(options);
  const stop = new AbortController();
  let failure: NotReadyError | undefined;
  let lastFailure: string | undefined;
  const fail = (reason: NotReadyError['reason'], message: string): void => {
    // After success the finally block aborts `stop`; a late exit or abort then changes nothing.
    if (failure || stop.signal.aborted) return;
    failure = new NotReadyError(reason, lastFailure ? `${message} (last attempt: ${lastFailure})` : message, lastFailure);
    stop.abort(failure);
  };
  const onAbort = (): void => fail('aborted', 'waiting for the session was cancelled');
  const timer = setTimeout(() => fail('timeout', `the session was not ready within ${budget} ms`), budget);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  void options.exited?.then(
    (exit) => fail('exited', exitText(exit)),
    () => undefined,
  );

  try {
    if (options.probe?.initialDelayMs) await delay(options.probe.initialDelayMs, undefined, { signal: stop.signal });
    let interval = FIRST_INTERVAL_MS;
    for (let attempts = 1; ; attempts++) {
      const result = await attempt(options, stop.signal, Math.max(1, budget - (performance.now() - started)));
      if (failure) throw failure;
      if (result.ok) return { attempts, elapsedMs: performance.now() - started };
      lastFailure = result.reason;
      await delay(interval, undefined, { signal: stop.signal });
      interval = Math.min(interval * 2, MAX_INTERVAL_MS);
    }
  } catch (err) {
    throw failure ?? err;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (!stop.signal.aborted) stop.abort();
  }
}
