import Dockerode from 'dockerode';
import {
  buildCreateOptions,
  containerAddress,
  demultiplexLogs,
  resolveAccessMode,
  type AccessMode,
} from './docker-container.js';
import { resolveDockerEndpoint, type DockerEndpoint } from './docker-endpoint.js';
import { dockerMessage, EngineUnreachableError, runtimeError, tolerate } from './docker-errors.js';
import { watchExits } from './docker-events.js';
import { dockerLogs } from './docker-logs.js';
import { readContainerStats } from './docker-stats.js';
import { ensureImage } from './docker-image.js';
import {
  ensureNetwork,
  labelFilters,
  listNetworks,
  removeNetwork,
  removeNetworks,
  type DockerSessionNetwork,
} from './docker-network.js';
import { Teardown } from './docker-teardown.js';
import type {
  ContainerLogEntry,
  ContainerLogOptions,
  ContainerRuntime,
  ContainerSpec,
  ContainerStats,
  NetworkRemovalOptions,
  OwnedContainer,
  OwnedNetwork,
  RegistryCredentials,
  RemoveOptions,
  RuntimeEvent,
  RuntimeInfo,
  SessionNetworkSpec,
  StartedContainer,
} from './types.js';

export type { AccessMode } from './docker-container.js';
export type { DockerSessionNetwork } from './docker-network.js';
export { describeDockerEndpoint, resolveDockerEndpoint, type DockerEndpoint } from './docker-endpoint.js';
export { EngineUnreachableError } from './docker-errors.js';

export interface DockerRuntimeOptions {
  /** Defaults to `SESSIONITE_CONTAINER_ACCESS`, then `containerIp`. */
  access?: AccessMode;
  /** Defaults to the endpoint `resolveDockerEndpoint()` picks from the environment. */
  endpoint?: DockerEndpoint;
  /** How long `ping` waits for an answer. */
  pingTimeoutMs?: number;
  /** Forced container removals running at once (more queue); see `Teardown`. Default 8. */
  maxParallelRemovals?: number;
}

/** dockerode honours `{ abortSignal }` on these calls; its type definitions do not declare it. */
interface AbortableSystemCalls {
  ping(options: { abortSignal: AbortSignal }): Promise<unknown>;
  version(options: { abortSignal: AbortSignal }): Promise<Dockerode.DockerVersion>;
}

/** Docker (or Podman's Docker-compatible API) behind the ContainerRuntime boundary. */
export class DockerRuntime implements ContainerRuntime {
  readonly endpoint: DockerEndpoint;
  readonly access: AccessMode;
  private readonly docker: Dockerode;
  private readonly pingTimeoutMs: number;
  private readonly teardown: Teardown;

  constructor(options: DockerRuntimeOptions = {}) {
    this.endpoint = options.endpoint ?? resolveDockerEndpoint();
    this.access = resolveAccessMode(options.access, process.env);
    this.docker = new Dockerode(this.endpoint.options);
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5_000;
    this.teardown = new Teardown(this.docker, options.maxParallelRemovals);
  }

  async ping(): Promise<RuntimeInfo> {
    const signal = AbortSignal.timeout(this.pingTimeoutMs);
    const system = this.docker as unknown as AbortableSystemCalls;
    try {
      await system.ping({ abortSignal: signal });
      const version = await system.version({ abortSignal: signal });
      const podman = (version.Components ?? []).some((c) => /podman/i.test(c.Name));
      return { name: podman ? 'Podman' : 'Docker Engine', version: version.Version, os: `${version.Os}/${version.Arch}` };
    } catch (err) {
      const detail = signal.aborted ? `no answer within ${this.pingTimeoutMs} ms` : dockerMessage(err);
      throw new EngineUnreachableError(this.endpoint.url, detail);
    }
  }

  async ensureImage(image: string, credentials?: RegistryCredentials): Promise<{ pulled: boolean; imageId: string }> {
    return this.engine(`Could not make image ${image} available`, () => ensureImage(this.docker, image, credentials));
  }

  async ensureNetwork(spec: SessionNetworkSpec): Promise<DockerSessionNetwork> {
    return this.engine(`Could not prepare network ${spec.name}`, () => ensureNetwork(this.docker, spec, this.access));
  }

  async removeNetwork(name: string, options: NetworkRemovalOptions = {}): Promise<void> {
    const gate = this.teardown.networks;
    return this.engine(`Could not remove network ${name}`, () => removeNetwork(this.docker, name, { ...options, gate }));
  }

  async listOwnedNetworks(labels: Record<string, string>): Promise<OwnedNetwork[]> {
    return this.engine('Could not list networks', () => listNetworks(this.docker, labels));
  }

  async removeNetworks(labels: Record<string, string>, options: NetworkRemovalOptions = {}): Promise<number> {
    const gate = this.teardown.networks;
    return this.engine('Could not remove networks', () => removeNetworks(this.docker, labels, { ...options, gate }));
  }

  async start(spec: ContainerSpec): Promise<StartedContainer> {
    let id: string | undefined;
    try {
      const container = await this.docker.createContainer(buildCreateOptions(spec, this.access));
      id = container.id;
      this.teardown.remember(id, [spec.network]);
      // Starting creates the container's endpoint: never while an endpoint of its network is deleted.
      await this.teardown.networks.shared(spec.network, () => container.start() as Promise<unknown>);
      const info = await container.inspect();
      if (!info.State.Running) throw new Error(await this.exitedAtStart(spec, info.State));
      return { id, ...containerAddress(info, spec, this.access) };
    } catch (err) {
      // Nothing half-made may outlive a failed start: the pool would never learn of it.
      if (id) await this.remove(id).catch(() => undefined);
      throw runtimeError(err, this.endpoint.url, `Could not start container ${spec.name} from ${spec.image}`);
    }
  }

  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    const container = this.docker.getContainer(id);
    // 404: already gone; 409: the engine is removing it already (a concurrent remove or AutoRemove).
    await this.teardown.remove(id, options.graceSeconds ?? 0, async () => {
      await this.engine(`Could not remove container ${id}`, () =>
        tolerate(() => container.remove({ force: true, v: true }) as Promise<unknown>, [404, 409], undefined),
      );
    });
  }

  async tail(id: string, lines: number): Promise<string> {
    return this.engine(`Could not read the logs of container ${id}`, async () => {
      const raw: unknown = await this.docker
        .getContainer(id)
        .logs({ stdout: true, stderr: true, follow: false, tail: Math.max(0, Math.floor(lines)) });
      // dockerode hands back a Buffer unless the payload happened to parse as JSON.
      const buffer = Buffer.isBuffer(raw) ? raw : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw));
      return demultiplexLogs(buffer);
    });
  }

  logs(id: string, options: ContainerLogOptions): AsyncIterable<ContainerLogEntry[]> {
    return dockerLogs(this.docker, id, options);
  }

  async isRunning(id: string): Promise<boolean> {
    return this.engine(`Could not inspect container ${id}`, () =>
      tolerate(async () => (await this.docker.getContainer(id).inspect()).State.Running, [404], false),
    );
  }

  async stats(id: string): Promise<ContainerStats | undefined> {
    return this.engine(`Could not read the resource use of container ${id}`, () =>
      tolerate(() => readContainerStats(this.docker, id), [404, 409], undefined),
    );
  }

  watch(labels: Record<string, string>, listener: (event: RuntimeEvent) => void): () => void {
    return watchExits(this.docker, labels, listener);
  }

  async listOwned(labels: Record<string, string>): Promise<OwnedContainer[]> {
    return this.engine('Could not list containers', async () => {
      const containers = await this.docker.listContainers({ all: true, filters: { label: labelFilters(labels) } });
      return containers.map((c) => ({
        id: c.Id,
        name: (c.Names[0] ?? '').replace(/^\//, ''),
        labels: c.Labels,
        running: c.State === 'running',
      }));
    });
  }

  /**
   * A container that dies within milliseconds has no address left to return, so `start` fails
   * instead; the message carries what the readiness path would otherwise report (exit code, OOM,
   * last output), because the container is removed with it.
   */
  private async exitedAtStart(spec: ContainerSpec, state: { ExitCode: number; OOMKilled: boolean }): Promise<string> {
    const how = state.OOMKilled ? 'was killed for exceeding its memory limit' : `exited with code ${state.ExitCode}`;
    const output = (await this.tail(spec.name, 20).catch(() => '')).trimEnd();
    return `container ${spec.name} ${how} right after starting${output ? `; last output:\n${output}` : ''}`;
  }

  /** Runs an engine operation, rewrapping failures so "engine down" stays distinguishable. */
  private async engine<T>(doing: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw runtimeError(err, this.endpoint.url, doing);
    }
  }
}
