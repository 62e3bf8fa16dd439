import type { Clock } from '../clock.js';
import type { EventStream } from '../events.js';
import type { ContainerRuntime, SessionNetwork } from '../runtime/types.js';
import type { EngineLimits, PoolSpec } from './spec.js';

/** What a pool needs from the emulator around it. Kept small so pools are testable alone. */
export interface PoolContext {
  runtime: ContainerRuntime;
  clock: Clock;
  events: EventStream;
  limits: EngineLimits;
  /** Labels identifying this emulator run; every container also gets pool and session labels. */
  labels: Record<string, string>;
  /** The session network for an egress mode (created on first use). */
  network(egress: boolean): Promise<SessionNetwork>;
  /** Extra environment for a new session (e.g. its managed-identity endpoint and secret). */
  sessionEnv?(spec: PoolSpec, sessionId: string): Record<string, string>;
  /** Called when a session ends, so per-session credentials can be revoked. */
  sessionEnded?(pool: string, sessionId: string): void;
  /** False while the container engine is unreachable; allocation then fails fast with 503. */
  runtimeAvailable(): boolean;
  runtimeProblem(): string;
}

export const LABELS = {
  managed: 'io.sessionite.managed',
  instance: 'io.sessionite.instance',
  owner: 'io.sessionite.owner',
  pool: 'io.sessionite.pool',
  session: 'io.sessionite.session',
  generation: 'io.sessionite.generation',
} as const;
