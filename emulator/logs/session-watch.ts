import type { TimedEvent } from '../events.js';
import type { LogCapture } from './capture.js';
import { poolResourceId } from './contexts.js';
import type { LogStore } from './store.js';

/** The engine as capture sees it: pools and their sessions (an Emulator satisfies this). */
export interface SessionSource {
  getPool(name: string):
    | {
        spec: { subscriptionId: string; resourceGroup: string; container: { name: string; image: string } };
        allSessions(): { id: string; containerId?: string; identifier?: string; state: string }[];
      }
    | undefined;
  listPools(): { name: string }[];
}

const POLL_MS = 20;

/**
 * Starts capture for every session container and keeps its context current. Engine events carry
 * session ids, not container ids: a session's container id appears on the Session once
 * `runtime.start` returned, so sessions seen `starting` are looked up every POLL_MS until it does
 * (reading starts at the container's first entry, so attaching a little late loses nothing). On
 * allocation the identifier is bound to the container's records; after the engine comes back,
 * sessions without a reader get one (readers resume from their cursor).
 */
export class SessionWatch {
  private readonly starting = new Map<string, { pool: string; sessionId: string }>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly engine: SessionSource,
    private readonly capture: LogCapture,
    private readonly store: LogStore,
  ) {}

  onEvent(event: TimedEvent): void {
    switch (event.type) {
      case 'session.starting':
        this.starting.set(`${event.pool}/${event.sessionId}`, {
          pool: event.pool,
          sessionId: event.sessionId,
        });
        this.timer ??= setInterval(() => this.poll(), POLL_MS).unref();
        return;
      case 'session.ready':
        this.attach(event.pool, event.sessionId);
        return;
      case 'session.allocated': {
        const containerId = this.attach(event.pool, event.sessionId);
        if (containerId) this.store.assignIdentifier(containerId, event.identifier);
        return;
      }
      case 'session.startFailed':
        this.onStartFailed(event);
        return;
      case 'runtime.available':
        this.attachAll();
        return;
      default:
    }
  }

  /** Attaches every live session that has no reader (extension start, engine back). */
  attachAll(): void {
    for (const { name } of this.engine.listPools()) {
      for (const session of this.engine.getPool(name)?.allSessions() ?? []) {
        if (session.containerId && !this.capture.isFollowing(session.containerId))
          this.attach(name, session.id);
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.starting.clear();
  }

  /** Starts (or keeps) the reader of a session's container; returns its id once known. */
  private attach(poolName: string, sessionId: string): string | undefined {
    const pool = this.engine.getPool(poolName);
    const session = pool?.allSessions().find((s) => s.id === sessionId);
    if (!pool || !session?.containerId) return undefined;
    this.starting.delete(`${poolName}/${sessionId}`);
    const { spec } = pool;
    const context = this.store.context({
      containerId: session.containerId,
      pool: poolName,
      identifier: session.identifier ?? '',
      containerName: spec.container.name,
      image: spec.container.image,
      resourceId: poolResourceId(spec.subscriptionId, spec.resourceGroup, poolName),
    });
    this.capture.follow(session.containerId, context);
    return session.containerId;
  }

  private poll(): void {
    for (const [key, { pool, sessionId }] of this.starting) {
      const session = this.engine
        .getPool(pool)
        ?.allSessions()
        .find((s) => s.id === sessionId);
      if (session?.containerId) this.attach(pool, sessionId);
      else if (!session || session.state !== 'starting') this.starting.delete(key);
    }
    if (this.starting.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /**
   * A container that died within a poll interval may be removed before its reader attached; its
   * last lines then survive only in the event, so they are recorded from there.
   */
  private onStartFailed(event: Extract<TimedEvent, { type: 'session.startFailed' }>): void {
    const session = this.engine
      .getPool(event.pool)
      ?.allSessions()
      .find((s) => s.id === event.sessionId);
    const hadReader = session?.containerId !== undefined && this.capture.isFollowing(session.containerId);
    const containerId = this.attach(event.pool, event.sessionId);
    if (hadReader || event.lastLogs.trim() === '') return;
    const record = (): void =>
      this.store.appendSystem(
        containerId === undefined ? undefined : this.store.contexts.get(containerId),
        'error',
        `The container failed to start before its output could be read; its last output was:\n${event.lastLogs.trimEnd()}`,
      );
    if (containerId === undefined) record();
    else void this.capture.finished(containerId).then((lines) => lines === 0 && record());
  }
}
