import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { LABELS } from '../../emulator/pool/context.js';
import { sessionCapabilities } from '../../emulator/runtime/docker-container.js';
import { resolveDockerEndpoint } from '../../emulator/runtime/docker-endpoint.js';
import { mapLimit, sleep } from './http-client.js';

const execFileAsync = promisify(execFile);

/** Every container and network the benchmark itself creates carries this label (value: the run id). */
export const BENCH_LABEL = 'io.sessionite.bench.run';

export interface BaselineContainerOptions {
  image: string;
  /** Replaces the image entrypoint (as the pool's `command` does). */
  entrypoint?: string[];
  args?: string[];
  cpu: number;
  memoryBytes: number;
}

/**
 * Docker access for baselines and checks: `docker run` through the CLI (the baseline the targets name),
 * everything else through the engine API. Baseline containers get the same limits and isolation the
 * emulator gives sessions (see `buildCreateOptions`), on a network shaped like a pool network.
 */
export class BenchDocker {
  readonly api: Dockerode;
  private network?: Promise<string>;

  constructor(readonly runId: string) {
    this.api = new Dockerode(resolveDockerEndpoint().options);
  }

  get labelFilter(): string {
    return `${BENCH_LABEL}=${this.runId}`;
  }

  async serverVersion(): Promise<string> {
    const version = await this.api.version();
    return version.Version;
  }

  /** An internal bridge without inter-container traffic, like an egress-disabled pool's network. */
  baselineNetwork(): Promise<string> {
    this.network ??= (async () => {
      const name = `sessionite-bench-${this.runId}`;
      await this.api.createNetwork({
        Name: name,
        Driver: 'bridge',
        Internal: true,
        Options: { 'com.docker.network.bridge.enable_icc': 'false' },
        Labels: { [BENCH_LABEL]: this.runId },
      });
      return name;
    })();
    return this.network;
  }

  /** `docker run -d …` through the CLI; resolves with the container id once the CLI returns. */
  async cliRun(options: BaselineContainerOptions, signal?: AbortSignal): Promise<string> {
    const network = await this.baselineNetwork();
    const args = ['run', '-d', '--label', `${BENCH_LABEL}=${this.runId}`, '--network', network];
    args.push('--cpus', String(options.cpu), '--memory', String(options.memoryBytes), '--memory-swap', String(options.memoryBytes));
    args.push('--pids-limit', '512', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--ipc', 'private');
    for (const cap of sessionCapabilities) args.push('--cap-add', cap);
    args.push('--log-driver', 'json-file', '--log-opt', 'max-size=10m', '--log-opt', 'max-file=2');
    const [entry, ...entryRest] = options.entrypoint ?? [];
    if (entry) args.push('--entrypoint', entry);
    args.push(options.image, ...entryRest, ...(options.args ?? []));
    const { stdout } = await execFileAsync('docker', args, { signal, maxBuffer: 1024 * 1024 });
    return stdout.trim();
  }

  /** Create + start through the engine API (what the emulator does), resolving with the id. */
  async apiRun(options: BaselineContainerOptions): Promise<string> {
    const network = await this.baselineNetwork();
    const container = await this.api.createContainer({
      Image: options.image,
      Entrypoint: options.entrypoint,
      Cmd: options.args,
      Labels: { [BENCH_LABEL]: this.runId },
      HostConfig: {
        NanoCpus: Math.round(options.cpu * 1e9),
        Memory: options.memoryBytes,
        MemorySwap: options.memoryBytes,
        PidsLimit: 512,
        SecurityOpt: ['no-new-privileges'],
        CapDrop: ['ALL'],
        CapAdd: sessionCapabilities,
        IpcMode: 'private',
        NetworkMode: network,
        LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
      },
    });
    await container.start();
    return container.id;
  }

  async ipOf(id: string): Promise<string> {
    const info = await this.api.getContainer(id).inspect();
    const ip = Object.values(info.NetworkSettings.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
    if (!ip) throw new Error(`container ${id.slice(0, 12)} has no IP address`);
    return ip;
  }

  /** The container of a session and its address, found by the emulator's labels. */
  async sessionContainer(instanceId: string, sessionId: string): Promise<{ id: string; ip: string }> {
    const [container] = await this.api.listContainers({
      filters: { label: [`${LABELS.instance}=${instanceId}`, `${LABELS.session}=${sessionId}`] },
    });
    if (!container) throw new Error(`no container for session ${sessionId}`);
    return { id: container.Id, ip: await this.ipOf(container.Id) };
  }

  async countContainers(labels: Record<string, string>): Promise<number> {
    const filters = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    return (await this.api.listContainers({ all: true, filters: { label: filters } })).length;
  }

  async remove(ids: readonly string[]): Promise<void> {
    await mapLimit(ids, 16, (id) =>
      this.api
        .getContainer(id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    );
  }

  /** Force-removes every container carrying all `labels` (`key=value` filters); returns how many. */
  async sweepContainers(labels: string[]): Promise<number> {
    const containers = await this.api.listContainers({ all: true, filters: { label: labels } });
    await this.remove(containers.map((c) => c.Id));
    return containers.length;
  }

  /** Removes every network carrying all `labels`; returns how many. */
  async sweepNetworks(labels: string[]): Promise<number> {
    const networks = await this.api.listNetworks({ filters: { label: labels } });
    let removed = 0;
    for (const network of networks) {
      await this.api
        .getNetwork(network.Id)
        .remove()
        .then(() => removed++)
        .catch(() => undefined);
    }
    if (this.network && labels.includes(this.labelFilter)) this.network = undefined;
    return removed;
  }
}

/** Resolves once a TCP connect to host:port succeeds, trying every `intervalMs`. */
export async function waitForPort(host: string, port: number, timeoutMs: number, signal?: AbortSignal, intervalMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await tryConnect(host, port, 500)) return;
    if (performance.now() > deadline) throw new Error(`${host}:${port} did not accept a connection within ${timeoutMs} ms`);
    await sleep(intervalMs, signal);
  }
}

function tryConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
