import { randomBytes, randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import type { TimerHandle } from '../clock.js';

/**
 * One session = one container. States only move forward:
 *   starting → ready → allocated → stopping
 * (starting → stopping and ready → stopping too). A stopping session is never handed out again.
 */
export type SessionState = 'starting' | 'ready' | 'allocated' | 'stopping';

export class Session {
  readonly id: string;
  state: SessionState = 'starting';
  containerId?: string;
  host = '';
  port = 0;
  identifier?: string;
  allocatedAt?: number;
  lastAccessedAt: number;
  etag = randomUUID();
  requestCount = 0;
  /** Requests (and WebSocket tunnels) currently open; a session is never destroyed while > 0. */
  inflight = 0;
  /** Set when the lifecycle deadline passed during a request; the session stops when it ends. */
  expiredWhileBusy = false;
  lifecycleTimer?: TimerHandle;
  probeTimer?: TimerHandle;
  probeFailures = 0;
  /** Aborts the readiness wait when the session is stopped while starting. */
  readonly startAbort = new AbortController();
  /** Keep-alive connections to this session only, closed with it. */
  agent?: Agent;

  constructor(
    readonly pool: string,
    readonly generation: number,
    readonly createdAt: number,
  ) {
    this.id = randomBytes(6).toString('hex');
    this.lastAccessedAt = createdAt;
  }

  get containerName(): string {
    return `sessionite-${this.pool}-${this.id}`;
  }

  markReady(host: string, port: number): void {
    this.host = host;
    this.port = port;
    this.state = 'ready';
    this.agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });
  }

  cancelTimers(): void {
    this.lifecycleTimer?.cancel();
    this.lifecycleTimer = undefined;
    this.probeTimer?.cancel();
    this.probeTimer = undefined;
  }
}

/** The platform's view of an allocated session (`/.management/getSession`, `listSessions`). */
export interface SessionView {
  identifier: string;
  etag: string;
  expiresAt: string | null;
  createdAt: string;
  lastAccessedAt: string;
}
