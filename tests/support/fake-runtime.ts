import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ContainerLogEntry,
  ContainerLogOptions,
  ContainerRuntime,
  ContainerSpec,
  ContainerStats,
  OwnedContainer,
  OwnedNetwork,
  RemoveOptions,
  RuntimeEvent,
  RuntimeInfo,
  SessionNetwork,
  SessionNetworkSpec,
  StartedContainer,
} from '../../emulator/runtime/types.js';

interface FakeContainer {
  id: string;
  spec: ContainerSpec;
  server: Server;
  running: boolean;
}

/**
 * An in-memory ContainerRuntime for fast engine tests: each "container" is an HTTP server on
 * 127.0.0.1 that answers with its own id and the request it saw. Exits, engine outages and failing
 * starts are triggered by the test. Docker-backed behaviour is covered by the integration tests.
 */
export class FakeRuntime implements ContainerRuntime {
  readonly containers = new Map<string, FakeContainer>();
  readonly started: ContainerSpec[] = [];
  /** `METHOD url` of every request any container received, in order. */
  readonly requests: string[] = [];
  down = false;
  failStarts = false;
  /** When set, `start` waits until `releaseStarts()` — a container that takes forever to start. */
  holdStarts = false;
  private startGate = deferred();
  missingImages = new Set<string>();
  /** Requests to `/hold` send their headers at once and finish when the test calls `release()`. */
  private gate = deferred();
  private listeners = new Set<{ labels: Record<string, string>; listener: (e: RuntimeEvent) => void }>();

  async ping(): Promise<RuntimeInfo> {
    if (this.down) throw new Error('fake engine is down');
    return { name: 'fake', version: '1.0', os: 'test' };
  }

  async ensureImage(image: string): Promise<{ pulled: boolean; imageId: string }> {
    if (this.missingImages.has(image)) throw new Error(`pull access denied for ${image}`);
    return { pulled: false, imageId: `sha256:${image}` };
  }

  async ensureNetwork(spec: SessionNetworkSpec): Promise<SessionNetwork> {
    return { id: spec.name, name: spec.name, subnet: '198.18.100.0/24', gateway: '198.18.100.1' };
  }

  async removeNetwork(): Promise<void> {}

  async start(spec: ContainerSpec): Promise<StartedContainer> {
    if (this.down) throw new Error('fake engine is down');
    if (this.failStarts) throw new Error('fake start failure');
    if (this.holdStarts) await this.startGate.promise;
    const id = randomBytes(8).toString('hex');
    this.started.push(spec);
    const server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      if (req.url?.startsWith('/early-hints')) {
        res.writeEarlyHints({ link: '</app.css>; rel=preload; as=style' });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('final answer');
        return;
      }
      if (req.url?.startsWith('/hold')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.flushHeaders();
        void this.gate.promise.then(() => res.end('released'));
        return;
      }
      if (req.url?.startsWith('/repeated-headers')) {
        res.writeHead(200, ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'X-Multi', 'one', 'X-Multi', 'two']);
        res.end('repeated');
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ container: id, method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.containers.set(id, { id, spec, server, running: true });
    return { id, host: '127.0.0.1', port: (server.address() as AddressInfo).port };
  }

  releaseStarts(): void {
    this.holdStarts = false;
    this.startGate.resolve();
  }

  release(): void {
    this.gate.resolve();
    this.gate = deferred();
  }

  /** Simulates the container's process exiting. */
  exit(id: string, exitCode = 0, oomKilled = false): void {
    const container = this.containers.get(id);
    if (!container) return;
    container.running = false;
    this.output.get(id)?.wake();
    container.server.close();
    container.server.closeAllConnections();
    for (const { labels, listener } of this.listeners) {
      if (Object.entries(labels).every(([k, v]) => container.spec.labels[k] === v)) {
        listener({ type: 'exit', exit: { id, exitCode, oomKilled } });
      }
    }
  }

  async remove(id: string, _options?: RemoveOptions): Promise<void> {
    const container = this.containers.get(id);
    if (!container) return;
    this.containers.delete(id);
    this.output.get(id)?.wake();
    container.server.close();
    container.server.closeAllConnections();
  }

  async tail(): Promise<string> {
    return 'fake last line';
  }

  async isRunning(id: string): Promise<boolean> {
    return this.containers.get(id)?.running ?? false;
  }

  // ---- Resource use (ContainerRuntime.stats): tests set what a container uses; reads are counted. ----
  /** Per container: CPU cores in use and memory bytes; unset containers use 0.25 cores and 64 MiB. */
  readonly usage = new Map<string, { cores: number; memoryBytes: number }>();
  statsReads = 0;
  private readonly cpuClock = new Map<string, { at: number; cpuNs: number }>();

  async stats(id: string): Promise<ContainerStats | undefined> {
    const container = this.containers.get(id);
    if (!container?.running) return undefined;
    this.statsReads++;
    const use = this.usage.get(id) ?? { cores: 0.25, memoryBytes: 64 * 1024 * 1024 };
    const now = Date.now();
    const last = this.cpuClock.get(id) ?? { at: now, cpuNs: 0 };
    const cpuNs = last.cpuNs + Math.round((now - last.at) * 1e6 * use.cores);
    this.cpuClock.set(id, { at: now, cpuNs });
    return { readAt: now, cpuNs, memoryBytes: use.memoryBytes, memoryLimitBytes: container.spec.memoryBytes };
  }

  // ---- Container output (ContainerRuntime.logs): the test writes lines, readers follow them. ----
  readonly output = new Map<string, FakeLogs>();

  /** Appends one entry to a container's output; `text` should end in '\n' unless it is a partial line. */
  writeLog(id: string, stream: 'stdout' | 'stderr', text: string | Buffer, timestamp = fakeTimestamp()): void {
    const logs = this.logsOf(id);
    logs.entries.push({ stream, timestamp, data: Buffer.isBuffer(text) ? text : Buffer.from(text) });
    logs.wake();
  }

  /** Makes every open `logs` reader of the container fail, as when the engine connection drops. */
  breakLogReaders(id: string): void {
    this.logsOf(id).breakReaders();
  }

  logs(id: string, options: ContainerLogOptions): AsyncIterable<ContainerLogEntry[]> {
    return this.logsOf(id).read(options, () => this.containers.get(id)?.running === true);
  }

  private logsOf(id: string): FakeLogs {
    let logs = this.output.get(id);
    if (!logs) this.output.set(id, (logs = new FakeLogs()));
    return logs;
  }

  watch(labels: Record<string, string>, listener: (event: RuntimeEvent) => void): () => void {
    const entry = { labels, listener };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /** Simulates the engine disappearing: watchers are told, pings fail until `up()`. */
  goDown(): void {
    this.down = true;
    for (const { listener } of this.listeners) listener({ type: 'disconnected', error: 'fake engine is down' });
    this.listeners.clear();
  }

  up(): void {
    this.down = false;
  }

  async listOwned(labels: Record<string, string>): Promise<OwnedContainer[]> {
    return [...this.containers.values()]
      .filter((c) => Object.entries(labels).every(([k, v]) => c.spec.labels[k] === v))
      .map((c) => ({ id: c.id, name: c.spec.name, labels: c.spec.labels, running: c.running }));
  }

  async listOwnedNetworks(): Promise<OwnedNetwork[]> {
    return [];
  }

  async removeNetworks(): Promise<number> {
    return 0;
  }

  running(): FakeContainer[] {
    return [...this.containers.values()];
  }
}

let fakeMicros = Date.now() * 1000;
/** Strictly increasing RFC3339Nano times (at least 1 µs apart), like an engine's. */
function fakeTimestamp(): string {
  fakeMicros = Math.max(fakeMicros + 1, Date.now() * 1000);
  const micros = String(fakeMicros % 1000).padStart(3, '0');
  return new Date(Math.floor(fakeMicros / 1000)).toISOString().replace('Z', `${micros}000Z`);
}

/** One fake container's output; `read` follows it like the engine's logs API (since is inclusive). */
class FakeLogs {
  readonly entries: ContainerLogEntry[] = [];
  private waiters: (() => void)[] = [];
  private generation = 0;

  wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  breakReaders(): void {
    this.generation++;
    this.wake();
  }

  async *read(options: ContainerLogOptions, running: () => boolean): AsyncGenerator<ContainerLogEntry[]> {
    const generation = this.generation;
    let index = 0;
    if (options.since !== undefined) {
      const since = options.since;
      while (index < this.entries.length && (this.entries[index] as ContainerLogEntry).timestamp < since) index++;
    }
    for (;;) {
      if (generation !== this.generation) throw new Error('fake log stream broke');
      if (index < this.entries.length) {
        const batch = this.entries.slice(index);
        index = this.entries.length;
        yield batch;
        continue;
      }
      if (!options.follow || !running() || options.signal?.aborted) return;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        options.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
