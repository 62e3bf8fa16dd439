import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A second reference point, from outside Node: HAProxy (C, event-driven) as a keep-alive HTTP reverse
 * proxy in front of the same session, on ONE thread like the emulator's event loop. What it costs
 * per request and how much of the direct throughput it keeps show what the machine allows any
 * proxy that shares its cores with the load generator and the session. Optional: used when the
 * `haproxy` binary is installed (Debian: `apt-get install haproxy`), reported as absent otherwise.
 */
export interface Haproxy {
  pid: number;
  port: number;
  version: string;
  stop(): void;
}

export function haproxyVersion(): string | undefined {
  const probe = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return undefined;
  return /version (\S+)/.exec(probe.stdout)?.[1] ?? 'unknown';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function config(port: number, target: { host: string; port: number }): string {
  return [
    'global',
    '  nbthread 1',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 120s',
    '  timeout server 120s',
    '  http-reuse always',
    'frontend reference',
    `  bind 127.0.0.1:${port}`,
    '  default_backend session',
    'backend session',
    `  server session ${target.host}:${target.port} maxconn 256`,
    '',
  ].join('\n');
}

/** Starts HAProxy in the foreground in front of `target`; undefined when it is not installed. */
export async function startHaproxy(target: { host: string; port: number }, signal?: AbortSignal): Promise<Haproxy | undefined> {
  const version = haproxyVersion();
  if (!version) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sessionite-haproxy-'));
  const port = await freePort();
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config(port, target));
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = (): void => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  signal?.addEventListener('abort', stop, { once: true });
  let exited = false;
  child.once('exit', () => (exited = true));
  // HAProxy prints nothing when it is ready; its listener accepting a connection is the signal.
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (exited || Date.now() > deadline) {
      stop();
      throw new Error(`haproxy did not listen on 127.0.0.1:${port}${exited ? ' (it exited)' : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { pid: child.pid ?? 0, port, version, stop };
}
