import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';

/**
 * "The internet" for egress tests, without sending a packet off this machine: a network namespace
 * joined to the host by a veth pair (host 198.18.0.1, namespace 198.18.0.2 — RFC 2544 benchmark
 * space, routed nowhere) with a TCP listener inside that answers "ok". A session with egress reaches
 * it through Docker's NAT exactly as it would reach a public address; one without egress cannot.
 */
export interface OutsideWorld {
  host: string;
  port: number;
  close(): void;
}

/**
 * Each world gets its own /30 inside 198.18.0.0/15, so test files running in parallel never put the
 * same address on two interfaces.
 */
function worldSubnet(): { hostAddress: string; worldAddress: string } {
  const [a = 0, b = 0] = randomBytes(2);
  const base = `198.${18 + (a & 1)}.${b}`;
  const last = ((a >> 1) % 64) * 4; // 0…252: the /30's network address
  return { hostAddress: `${base}.${last + 1}/30`, worldAddress: `${base}.${last + 2}` };
}

/** Why the namespace cannot be built here, or undefined when it can. */
export function outsideWorldUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'the `ip` command (iproute2) is missing';
  }
  return undefined;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Best-effort teardown: each step may already be undone by a failed setup. */
function teardown(namespace: string, hostIf: string, listener?: ChildProcess): void {
  if (listener?.pid !== undefined && listener.exitCode === null) listener.kill('SIGKILL');
  for (const args of [['link', 'del', hostIf], ['netns', 'del', namespace]]) {
    try {
      ip(...args);
    } catch {
      // already gone
    }
  }
}

function startListener(namespace: string, worldAddress: string): Promise<{ listener: ChildProcess; port: number }> {
  // Clients (the echo server's /egress) reset the connection at once: ignore per-socket errors.
  const script = `require('net').createServer((s) => s.on('error', () => {}).end('ok\\n')).listen(0, '${worldAddress}', function () { console.log(this.address().port); })`;
  const listener = spawn('ip', ['netns', 'exec', namespace, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.once('exit', (code) => reject(new Error(`the outside-world listener exited with ${code}`)));
    createInterface({ input: listener.stdout }).once('line', (line) => resolve({ listener, port: Number(line) }));
  });
}

export async function createOutsideWorld(): Promise<OutsideWorld> {
  const id = randomBytes(3).toString('hex');
  const { hostAddress, worldAddress } = worldSubnet();
  const namespace = `sessionite-world-${id}`;
  const hostIf = `sw${id}h`;
  const worldIf = `sw${id}w`;
  let listener: ChildProcess | undefined;
  try {
    ip('netns', 'add', namespace);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', worldIf);
    ip('link', 'set', worldIf, 'netns', namespace);
    ip('addr', 'add', hostAddress, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', namespace, 'addr', 'add', `${worldAddress}/30`, 'dev', worldIf);
    ip('-n', namespace, 'link', 'set', worldIf, 'up');
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
    const started = await startListener(namespace, worldAddress);
    listener = started.listener;
    return { host: worldAddress, port: started.port, close: () => teardown(namespace, hostIf, listener) };
  } catch (err) {
    teardown(namespace, hostIf, listener);
    throw err;
  }
}
