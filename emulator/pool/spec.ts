import type { RegistryCredentials } from '../runtime/types.js';

/**
 * The engine's own, normalised view of one session pool. The ARM-shaped definition (config file,
 * control plane) is validated and translated into this by `config/normalize.ts`; the engine never
 * sees ARM shapes, api-versions or secret references — secrets are already resolved here.
 */
export type Lifecycle =
  | { type: 'Timed'; cooldownMs: number }
  | { type: 'OnContainerExit'; maxAliveMs: number };

export interface HttpProbeSpec {
  kind: 'http';
  path: string;
  port: number;
  scheme: 'HTTP' | 'HTTPS';
  headers: Record<string, string>;
}

export interface TcpProbeSpec {
  kind: 'tcp';
  port: number;
}

export interface ProbeSpec {
  type: 'Liveness' | 'Startup';
  check: HttpProbeSpec | TcpProbeSpec;
  failureThreshold: number;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
}

export interface ContainerTemplate {
  name: string;
  image: string;
  command: string[];
  args: string[];
  /** Environment with secret references already resolved to values. */
  env: Record<string, string>;
  cpu: number;
  memoryBytes: number;
  probes: ProbeSpec[];
}

export interface PoolSpec {
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  container: ContainerTemplate;
  targetPort: number;
  lifecycle: Lifecycle;
  maxConcurrentSessions: number;
  readySessionInstances: number;
  egress: boolean;
  registry?: RegistryCredentials;
  /** Names of secrets (never values) — what logs and the API may show. */
  secretNames: string[];
  /** `managedIdentitySettings[].lifecycle === 'Main'` for some identity. */
  managedIdentityInSessions: boolean;
}

/** Limits of the data plane that the real service does not expose; all configurable. */
export interface EngineLimits {
  /** Requests held per pool while sessions start; beyond it → 503 SessionAllocationQueueFull. */
  maxQueuedAllocations: number;
  /** How long a first request waits for a session before 504. */
  allocationTimeoutMs: number;
  /** How long one session may take from `docker run` to ready. */
  sessionStartTimeoutMs: number;
  connectTimeoutMs: number;
  /** Time from forwarding a request to receiving the session's response headers. */
  responseHeadersTimeoutMs: number;
  /** Containers started at once per pool. */
  maxParallelStarts: number;
  /** Status of the "max sessions reached" error: 429 (field reports) or 404 (docs). */
  capacityErrorStatus: 404 | 429;
  pidsLimit: number;
}

export const defaultEngineLimits: EngineLimits = {
  maxQueuedAllocations: 1000,
  allocationTimeoutMs: 60_000,
  sessionStartTimeoutMs: 60_000,
  connectTimeoutMs: 5_000,
  responseHeadersTimeoutMs: 240_000,
  maxParallelStarts: 16,
  capacityErrorStatus: 429,
  pidsLimit: 512,
};
