import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'undici';
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
  /** Keep-alive connections to this session only, closed with it (`closeConnections`). */
  private connections?: { connectTimeoutMs: number; dispatcher: Pool };

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
  }

  /** `http://host:port` of the container's target port. */
  get origin(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /**
   * The keep-alive pool to the container (at most 256 connections, as many as the client side
   * keeps), made on first use. A changed connect deadline (limits are settable at run time) gets a
   * new pool; the old one finishes its requests and closes.
   */
  dispatcher(connectTimeoutMs: number): Pool {
    if (this.connections?.connectTimeoutMs === connectTimeoutMs) return this.connections.dispatcher;
    const previous = this.connections?.dispatcher;
    this.connections = { connectTimeoutMs, dispatcher: new Pool(this.origin, { connections: 256, pipelining: 1, connect: { timeout: connectTimeoutMs } }) };
    previous?.close().catch(() => undefined);
    return this.connections.dispatcher;
  }

  /** Cuts every connection to the container, in-flight requests included. */
  closeConnections(): void {
    this.connections?.dispatcher.destroy().catch(() => undefined);
    this.connections = undefined;
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
