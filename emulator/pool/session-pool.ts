import { ApiError, Errors } from '../errors.js';
import type { StopReason } from '../events.js';
import type { PoolContext } from './context.js';
import { AllocationQueue } from './allocation-queue.js';
import { SessionLifecycle } from './lifecycle.js';
import { Session, type SessionView } from './session.js';
import { SessionStartError, startSessionContainer } from './session-starter.js';
import type { PoolSpec } from './spec.js';

/** See `refillSoon`. */
const REFILL_DELAY_MS = 50;

export type PoolState = 'preparing' | 'ready' | 'failed' | 'deleting';

export interface Acquired {
  session: Session;
  /** True when this request bound the session to its identifier. */
  allocated: boolean;
  /** True when no ready session existed and the request waited for a container to start. */
  cold: boolean;
  waitedMs: number;
}

export interface PoolCounts {
  ready: number;
  starting: number;
  allocated: number;
  max: number;
  readyTarget: number;
}

/**
 * One session pool: keeps `readySessionInstances` started, binds identifiers to sessions, and ends
 * sessions by lifecycle. Invariants:
 *  - an identifier maps to at most one live session; concurrent first requests share one allocation;
 *  - allocated + queued allocations never exceed maxConcurrentSessions, and containers (ready +
 *    starting + allocated) never exceed it either;
 *  - a session from an older template generation is never handed out;
 *  - a session is never destroyed while a request to it is in flight (except when its container died).
 */
export class SessionPool {
  state: PoolState = 'preparing';
  problem = '';
  generation = 1;
  private readonly sessions = new Map<string, Session>();
  private readonly byIdentifier = new Map<string, Session>();
  private readonly allocating = new Map<string, Promise<Acquired>>();
  private readonly ready: Session[] = [];
  private readonly queue: AllocationQueue;
  private readonly lifecycle: SessionLifecycle;
  private readonly exits = new Map<string, (exit: { exitCode: number | null }) => void>();
  private readonly earlyExits = new Set<string>();
  private readonly starts = new Set<Promise<void>>();
  private consecutiveFailures = 0;
  private backoffUntil = 0;
  private backoffTimer?: NodeJS.Timeout;
  private refillTimer?: NodeJS.Timeout;
  private pausedByHost = false;

  constructor(
    public spec: PoolSpec,
    private readonly ctx: PoolContext,
  ) {
    this.queue = new AllocationQueue(spec.name, ctx.limits);
    this.lifecycle = new SessionLifecycle(ctx.clock, (session, reason) => {
      void this.stopSession(session, reason);
    });
  }

  get name(): string {
    return this.spec.name;
  }

  private get deleting(): boolean {
    return this.state === 'deleting';
  }

  /** Pulls the image (if missing) and starts filling the ready pool. Never throws: failures are state. */
  async prepare(): Promise<void> {
    if (this.state === 'deleting') return;
    this.state = 'preparing';
    const { image } = this.spec.container;
    const generation = this.generation;
    try {
      const result = await this.ctx.runtime.ensureImage(image, this.spec.registry);
      if (generation !== this.generation || this.deleting) return;
      this.ctx.events.emit({ type: 'pool.imageReady', pool: this.name, image, pulled: result.pulled });
      this.state = 'ready';
      this.problem = '';
      this.reconcile();
    } catch (error) {
      if (generation !== this.generation || this.deleting) return;
      this.state = 'failed';
      this.problem = `image '${image}' could not be pulled: ${messageOf(error)}`;
      this.ctx.events.emit({ type: 'pool.imageFailed', pool: this.name, image, message: messageOf(error) });
      this.queue.failAll(Errors.poolNotReady(this.name, this.problem));
    }
  }

  /** Requests waiting for a session to start. */
  get queued(): number {
    return this.queue.length;
  }

  counts(): PoolCounts {
    let starting = 0;
    for (const s of this.sessions.values()) if (s.state === 'starting') starting++;
    return {
      ready: this.ready.length,
      starting,
      allocated: this.byIdentifier.size,
      max: this.spec.maxConcurrentSessions,
      readyTarget: this.spec.readySessionInstances,
    };
  }

  /** The session bound to `identifier`, as `acquire` hands it out, or undefined when there is none yet. */
  boundSession(identifier: string): Acquired | undefined {
    const existing = this.byIdentifier.get(identifier);
    return existing ? { session: existing, allocated: false, cold: false, waitedMs: 0 } : undefined;
  }

  /** The session bound to `identifier`, allocating one on first use. */
  acquire(identifier: string): Promise<Acquired> {
    const existing = this.boundSession(identifier);
    if (existing) return Promise.resolve(existing);
    const pending = this.allocating.get(identifier);
    if (pending) return pending.then((a) => ({ ...a, allocated: false }));
    const allocation = this.allocate(identifier).finally(() => this.allocating.delete(identifier));
    this.allocating.set(identifier, allocation);
    return allocation;
  }

  private async allocate(identifier: string): Promise<Acquired> {
    if (this.state === 'deleting') throw Errors.poolNotFound(this.name);
    if (!this.ctx.runtimeAvailable()) throw Errors.dockerUnavailable(this.ctx.runtimeProblem());
    if (this.state === 'failed') throw Errors.poolNotReady(this.name, this.problem);
    if (this.pausedByHost) throw Errors.poolNotReady(this.name, PAUSED_PROBLEM);
    const max = this.spec.maxConcurrentSessions;
    if (this.byIdentifier.size + this.queue.length >= max) {
      throw Errors.capacityReached(this.name, max, this.ctx.limits.capacityErrorStatus);
    }
    const started = Date.now();
    const ready = this.ready.shift();
    if (ready) {
      this.bind(ready, identifier, false, Date.now() - started);
      this.refillSoon();
      return { session: ready, allocated: true, cold: false, waitedMs: Date.now() - started };
    }
    const waiting = this.queue.enqueue();
    this.reconcile();
    const session = await waiting;
    const waitedMs = Date.now() - started;
    this.bind(session, identifier, true, waitedMs);
    this.reconcile();
    return { session, allocated: true, cold: true, waitedMs };
  }

  private bind(session: Session, identifier: string, cold: boolean, waitedMs: number): void {
    session.state = 'allocated';
    session.identifier = identifier;
    session.allocatedAt = this.ctx.clock.now();
    session.lastAccessedAt = session.allocatedAt;
    this.byIdentifier.set(identifier, session);
    this.lifecycle.onAllocated(session, this.spec.lifecycle);
    this.ctx.events.emit({
      type: 'session.allocated',
      pool: this.name,
      sessionId: session.id,
      identifier,
      waitedMs,
      cold,
    });
  }

  /** Marks a request to `session` as started; returns the function that marks it finished. */
  beginRequest(session: Session): () => void {
    session.inflight++;
    session.requestCount++;
    session.lastAccessedAt = this.ctx.clock.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      session.inflight--;
      session.lastAccessedAt = this.ctx.clock.now();
      if (session.state === 'allocated') this.lifecycle.onRequestEnd(session, this.spec.lifecycle);
    };
  }

  view(identifier: string): SessionView | undefined {
    const session = this.byIdentifier.get(identifier);
    return session && this.toView(session);
  }

  list(): SessionView[] {
    return [...this.byIdentifier.values()]
      .sort((a, b) => (a.allocatedAt ?? 0) - (b.allocatedAt ?? 0))
      .map((s) => this.toView(s));
  }

  allSessions(): Session[] {
    return [...this.sessions.values()];
  }

  private toView(session: Session): SessionView {
    const expiresAt = this.lifecycle.expiresAt(session, this.spec.lifecycle);
    return {
      identifier: session.identifier ?? '',
      etag: session.etag,
      expiresAt: expiresAt === undefined ? null : new Date(expiresAt).toISOString(),
      createdAt: new Date(session.allocatedAt ?? session.createdAt).toISOString(),
      lastAccessedAt: new Date(session.lastAccessedAt).toISOString(),
    };
  }

  /** `/.management/stopSession`: ends the identifier's session now (in-flight requests are cut). */
  async stopIdentifier(identifier: string): Promise<boolean> {
    const session = this.byIdentifier.get(identifier);
    if (!session) return false;
    await this.stopSession(session, 'api');
    return true;
  }

  /** The container engine reported that a container exited. */
  onContainerExit(containerId: string, exitCode: number | null, oomKilled: boolean): void {
    const waiter = this.exits.get(containerId);
    if (waiter) waiter({ exitCode });
    const session = [...this.sessions.values()].find((s) => s.containerId === containerId);
    if (!session) {
      this.rememberEarlyExit(containerId);
      return;
    }
    if (session.state === 'ready' || session.state === 'allocated') {
      void this.stopSession(session, 'exited', { exitCode, oomKilled });
    }
  }

  private rememberEarlyExit(containerId: string): void {
    this.earlyExits.add(containerId);
    if (this.earlyExits.size > 256) {
      const oldest = this.earlyExits.values().next().value;
      if (oldest !== undefined) this.earlyExits.delete(oldest);
    }
  }

  /**
   * After the engine (re)connects: sessions whose containers vanished meanwhile are ended, and a
   * pool that could not prepare (engine down, image missing) tries again.
   */
  async resync(): Promise<void> {
    const live = [...this.sessions.values()].filter((s) => s.state === 'ready' || s.state === 'allocated');
    await Promise.all(
      live.map(async (session) => {
        const id = session.containerId;
        if (id && !(await this.ctx.runtime.isRunning(id).catch(() => false))) this.onContainerExit(id, null, false);
      }),
    );
    if (this.state === 'ready') this.reconcile();
    else if (this.state !== 'deleting') await this.prepare();
  }

  /** Applies a new template. Ready sessions of the old one are discarded, allocated ones keep running. */
  async update(spec: PoolSpec): Promise<void> {
    this.spec = spec;
    this.generation++;
    this.queue.setLimits(this.ctx.limits);
    for (const session of this.ready.splice(0)) void this.stopSession(session, 'templateChanged');
    this.ctx.events.emit({ type: 'pool.updated', pool: this.name, generation: this.generation });
    await this.prepare();
  }

  /** Stops every session; used on pool deletion and emulator shutdown. */
  async dispose(reason: StopReason): Promise<void> {
    this.state = 'deleting';
    clearTimeout(this.backoffTimer);
    clearTimeout(this.refillTimer);
    this.queue.failAll(reason === 'shutdown' ? Errors.shuttingDown() : Errors.poolNotFound(this.name));
    await Promise.all([...this.sessions.values()].map((s) => this.stopSession(s, reason)));
    await Promise.all([...this.starts]);
  }

  // ── Pause (the desktop tray's "pause all pools") ────────────────────────────────────────────────
  get paused(): boolean {
    return this.pausedByHost;
  }

  /**
   * A paused pool keeps no warm sessions and allocates none (SessionPoolNotReady, 503): ready and
   * starting containers are stopped and waiting requests fail. Allocated sessions keep running until
   * their lifecycle ends, so a developer's open work is not cut off. Resuming refills the ready pool.
   */
  setPaused(paused: boolean): void {
    if (this.pausedByHost === paused) return;
    this.pausedByHost = paused;
    if (!paused) {
      this.reconcile();
      return;
    }
    this.queue.failAll(Errors.poolNotReady(this.name, PAUSED_PROBLEM));
    for (const session of [...this.sessions.values()]) {
      if (session.state === 'ready' || session.state === 'starting') void this.stopSession(session, 'paused');
    }
  }
  // ─────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * The refill after a warm allocation starts a moment later: creating a container keeps the engine
   * busy for tens of milliseconds, and started at once it competes for CPU with forwarding the very
   * request that took the ready session (bench, 2 cores: +3–8 ms on that request's p50). Several
   * allocations in a row share one refill pass.
   */
  private refillSoon(): void {
    this.refillTimer ??= setTimeout(() => {
      this.refillTimer = undefined;
      this.reconcile();
    }, REFILL_DELAY_MS);
    this.refillTimer.unref();
  }

  /** Starts containers until ready sessions + waiting requests are covered, within max and parallelism. */
  reconcile(): void {
    if (this.state !== 'ready' || !this.ctx.runtimeAvailable() || this.pausedByHost) return;
    if (Date.now() < this.backoffUntil) return;
    const counts = this.counts();
    const startingCurrent = [...this.sessions.values()].filter(
      (s) => s.state === 'starting' && s.generation === this.generation,
    ).length;
    const containers = counts.allocated + counts.ready + counts.starting;
    const wanted = this.queue.length + this.spec.readySessionInstances - counts.ready - startingCurrent;
    const room = this.spec.maxConcurrentSessions - containers;
    const parallel = this.ctx.limits.maxParallelStarts - counts.starting;
    const n = Math.min(wanted, room, parallel);
    for (let i = 0; i < n; i++) this.startOne();
  }

  private startOne(): void {
    const session = new Session(this.name, this.generation, this.ctx.clock.now());
    this.sessions.set(session.id, session);
    const run = this.runStart(session).finally(() => {
      this.starts.delete(run);
      this.reconcile();
    });
    this.starts.add(run);
  }

  private async runStart(session: Session): Promise<void> {
    this.ctx.events.emit({ type: 'session.starting', pool: this.name, sessionId: session.id });
    const startedAt = Date.now();
    let exitSeen: (exit: { exitCode: number | null }) => void = () => undefined;
    const exited = new Promise<{ exitCode: number | null }>((resolve) => (exitSeen = resolve));
    const watchExit = (containerId: string): void => {
      this.exits.set(containerId, exitSeen);
      if (this.earlyExits.delete(containerId)) exitSeen({ exitCode: null });
    };
    try {
      await startSessionContainer(this.ctx, this.spec, session, exited, session.startAbort.signal, watchExit);
      if (session.state === 'stopping') return await this.removeContainer(session);
      this.consecutiveFailures = 0;
      this.onStarted(session, Date.now() - startedAt);
    } catch (error) {
      if (session.state !== 'stopping') this.reportStartFailure(session, error);
      session.state = 'stopping';
      await this.removeContainer(session);
    } finally {
      if (session.containerId) this.exits.delete(session.containerId);
    }
  }

  private onStarted(session: Session, startMs: number): void {
    if (session.generation !== this.generation || this.state !== 'ready') {
      void this.stopSession(session, this.state === 'deleting' ? 'shutdown' : 'templateChanged');
      return;
    }
    this.ctx.events.emit({ type: 'session.ready', pool: this.name, sessionId: session.id, startMs });
    this.lifecycle.startProbes(session, this.spec.container.probes, this.spec.targetPort);
    if (!this.queue.handOff(session)) this.ready.push(session);
  }

  private reportStartFailure(session: Session, error: unknown): void {
    const lastLogs = error instanceof SessionStartError ? error.lastLogs : '';
    const message = messageOf(error);
    this.ctx.events.emit({ type: 'session.startFailed', pool: this.name, sessionId: session.id, message, lastLogs });
    const detail = lastLogs ? `${message}; last output:\n${lastLogs}` : message;
    this.queue.failOne(Errors.sessionStartFailed(this.name, detail));
    this.consecutiveFailures++;
    this.scheduleBackoff();
  }

  /** A crash-looping image must not hot-loop Docker: retries back off up to 30 s. */
  private scheduleBackoff(): void {
    const delay = Math.min(30_000, 250 * 2 ** Math.min(this.consecutiveFailures - 1, 7));
    this.backoffUntil = Date.now() + delay;
    clearTimeout(this.backoffTimer);
    // The timer ends the backoff itself: Node measures timers from the event loop's cached time, so on
    // a busy loop it can fire a few ms before `backoffUntil`, and a reconcile that then saw the backoff
    // still running would return with nothing left to wake the pool (waiting requests hung).
    this.backoffTimer = setTimeout(() => {
      this.backoffUntil = 0;
      this.reconcile();
    }, delay);
    this.backoffTimer.unref();
  }

  /**
   * Ends a session. A session still starting is only marked and its start aborted: `runStart`
   * removes the container once `runtime.start` has returned, so no container can leak in between.
   */
  private async stopSession(
    session: Session,
    reason: StopReason,
    exit?: { exitCode: number | null; oomKilled: boolean },
  ): Promise<void> {
    if (session.state === 'stopping') return;
    const wasStarting = session.state === 'starting';
    session.state = 'stopping';
    session.cancelTimers();
    const index = this.ready.indexOf(session);
    if (index >= 0) this.ready.splice(index, 1);
    if (session.identifier && this.byIdentifier.get(session.identifier) === session) {
      this.byIdentifier.delete(session.identifier);
    }
    if (!wasStarting) {
      this.ctx.events.emit({
        type: 'session.stopped',
        pool: this.name,
        sessionId: session.id,
        identifier: session.identifier,
        reason,
        ...(exit ?? {}),
      });
    }
    if (wasStarting) {
      session.startAbort.abort();
      return;
    }
    await this.removeContainer(session, GRACEFUL_STOPS.has(reason) ? STOP_GRACE_SECONDS : 0);
  }

  private async removeContainer(session: Session, graceSeconds = 0): Promise<void> {
    session.closeConnections();
    this.ctx.sessionEnded?.(this.name, session.id);
    try {
      if (session.containerId) await this.ctx.runtime.remove(session.containerId, { graceSeconds });
    } catch {
      // The engine is gone or the container already is; start-up reaping covers the rest.
    } finally {
      this.sessions.delete(session.id);
      this.reconcile();
    }
  }
}

/**
 * Stops the platform decides on (API, cooldown, max alive, template change, pool deletion, pause) give
 * the process a moment to exit on SIGTERM, so its last output lines reach the console log. Shutdown,
 * dead or unhealthy containers and failed starts are removed at once.
 */
const GRACEFUL_STOPS = new Set<StopReason>(['api', 'cooldown', 'maxAlive', 'templateChanged', 'poolDeleted', 'paused']);
const STOP_GRACE_SECONDS = 2;

const PAUSED_PROBLEM = 'it is paused (resume it from the Sessionite tray menu)';

export function messageOf(error: unknown): string {
  if (error instanceof ApiError || error instanceof Error) return error.message;
  return String(error);
}
