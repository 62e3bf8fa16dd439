/**
 * The container-runtime boundary. The pool engine only speaks this interface, so a Kubernetes
 * runtime can replace Docker later without touching allocation logic. Everything a runtime creates
 * carries the labels given to it; `listOwned` and `reap*` work on those labels only.
 */

export interface RegistryCredentials {
  server: string;
  username?: string;
  password?: string;
}

/** One isolated network per pool and egress mode. Sessions on it cannot reach each other. */
export interface SessionNetworkSpec {
  name: string;
  /** false → the network has no route off the host (Docker `internal`); true → NAT to the outside. */
  egress: boolean;
  labels: Record<string, string>;
}

export interface SessionNetwork {
  id: string;
  name: string;
  /** CIDR of the network, e.g. 172.18.0.0/16; requests from it are from sessions. */
  subnet: string;
  /** The host's address on that network (what a session sees as its gateway). */
  gateway: string;
}

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env: Record<string, string>;
  /** CPU cores, e.g. 0.25 → NanoCpus 250_000_000. */
  cpu: number;
  memoryBytes: number;
  pidsLimit: number;
  labels: Record<string, string>;
  network: string;
  /** The port the session serves; in published-port mode it is published on 127.0.0.1. */
  targetPort: number;
}

export interface StartedContainer {
  id: string;
  /** Where the emulator dials the session's target port. */
  host: string;
  port: number;
}

export interface ContainerExit {
  id: string;
  exitCode: number | null;
  oomKilled: boolean;
}

export interface OwnedContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  running: boolean;
}

export interface OwnedNetwork {
  id: string;
  name: string;
  labels: Record<string, string>;
}

export interface NetworkRemovalOptions {
  /** Epoch ms: a network still holding endpoints is retried until then (default: a few seconds). */
  deadline?: number;
}

export interface RemoveOptions {
  /**
   * Ask the process to exit (SIGTERM) and wait up to this long before killing it, so its last
   * output lines are written. 0 or absent: kill at once.
   */
  graceSeconds?: number;
}

export interface RuntimeInfo {
  name: string;
  version: string;
  os: string;
}

export type RuntimeEvent =
  | { type: 'exit'; exit: ContainerExit }
  /** The engine's event stream ended: the engine went away. The runtime re-subscribes after `ping` works. */
  | { type: 'disconnected'; error: string };

/** One entry of a container's output as the engine stored it (json-file: one line per entry). */
export interface ContainerLogEntry {
  stream: 'stdout' | 'stderr';
  /** The engine's time of the entry, RFC 3339 with nanoseconds (`2026-01-02T03:04:05.123456789Z`). */
  timestamp: string;
  /** The bytes written: one line ending in '\n', or a piece of a longer line the engine split (no '\n'). */
  data: Buffer;
}

export interface ContainerLogOptions {
  /** Only entries at or after this engine timestamp (inclusive, so a resumed reader sees the last one again). */
  since?: string;
  /** Keep the iteration open for new output until the container stops, the engine goes away or `signal` aborts. */
  follow: boolean;
  signal?: AbortSignal;
}

/**
 * A container's resource counters at one moment. CPU is cumulative, so a rate needs two readings;
 * `stats` is for occasional sampling (the dashboard, every few seconds), never a request's path.
 */
export interface ContainerStats {
  /** When the engine read the counters (epoch ms). */
  readAt: number;
  /** CPU time the container has used since it started, in nanoseconds. */
  cpuNs: number;
  /** Memory in use without the reclaimable page cache (what `docker stats` shows). */
  memoryBytes: number;
  /** The container's memory limit; absent when it has none. */
  memoryLimitBytes?: number;
}

export interface ContainerRuntime {
  /** Resolves when the engine answers; rejects with a readable message when it does not. */
  ping(): Promise<RuntimeInfo>;
  /** Makes the image available locally, pulling it with credentials when it is missing. */
  ensureImage(image: string, credentials?: RegistryCredentials): Promise<{ pulled: boolean; imageId: string }>;
  ensureNetwork(spec: SessionNetworkSpec): Promise<SessionNetwork>;
  /** Removes the network, force-disconnecting whatever is still attached; a missing one is not an error. */
  removeNetwork(name: string, options?: NetworkRemovalOptions): Promise<void>;
  /** Creates and starts the container. Rejects (and leaves nothing behind) if either step fails. */
  start(spec: ContainerSpec): Promise<StartedContainer>;
  /**
   * Force-removes the container; a container that is already gone is not an error. A removal of a
   * container already being removed waits for that one. Removals may be queued (the runtime bounds
   * how many run at once), so callers start them all and await them together.
   */
  remove(id: string, options?: RemoveOptions): Promise<void>;
  /** The last `lines` lines of the container's combined output (for "exited before ready" errors). */
  tail(id: string, lines: number): Promise<string>;
  /**
   * The container's stdout/stderr entries in the order written, in batches as they arrive. Ends when
   * the container stops (with `follow`) or the stored output is read; throws when the engine fails.
   */
  logs(id: string, options: ContainerLogOptions): AsyncIterable<ContainerLogEntry[]>;
  /** Whether the container is still running (false when it exited or is gone). */
  isRunning(id: string): Promise<boolean>;
  /** The container's CPU and memory counters now; undefined when it is gone or no longer running. */
  stats(id: string): Promise<ContainerStats | undefined>;
  /** Subscribes to exits of containers carrying `labels`; returns an unsubscribe function. */
  watch(labels: Record<string, string>, listener: (event: RuntimeEvent) => void): () => void;
  listOwned(labels: Record<string, string>): Promise<OwnedContainer[]>;
  listOwnedNetworks(labels: Record<string, string>): Promise<OwnedNetwork[]>;
  /**
   * Removes every network carrying `labels`, force-disconnecting containers still attached (remove
   * those first). Rejects, after trying them all, naming the networks it could not remove.
   */
  removeNetworks(labels: Record<string, string>, options?: NetworkRemovalOptions): Promise<number>;
}
