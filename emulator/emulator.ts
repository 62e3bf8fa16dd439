import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { systemClock, type Clock } from './clock.js';
import { Errors } from './errors.js';
import { EventStream } from './events.js';
import { createApp } from './http/app.js';
import { listen, type Listening } from './http/listeners.js';
import { createRequestHandler, createUpgradeHandler, type DataPlaneObserver } from './http/request-handler.js';
import { poolPath, type PoolUrl } from './http/pool-url.js';
import { isLiveElsewhere, readInstanceFile, removeInstanceFile, writeInstanceFile } from './host/instance-file.js';
import { ownerLabel, reapOrphans } from './host/reaper.js';
import { RuntimeMonitor } from './host/runtime-monitor.js';
import { SessionNetworks } from './host/session-networks.js';
import { sweepRun } from './host/sweep.js';
import { SessionIdentityListeners, dataPlaneAuthenticator } from './host/identity-wiring.js';
import { createIdentity, type AppRegistration, type AuthMode, type Identity, type RoleAssignments } from './identity/index.js';
import { LABELS, type PoolContext } from './pool/context.js';
import { SessionPool } from './pool/session-pool.js';
import { defaultEngineLimits, type EngineLimits, type PoolSpec } from './pool/spec.js';
import { DockerRuntime } from './runtime/docker.js';
import type { ContainerRuntime, ContainerStats } from './runtime/types.js';

export interface EmulatorOptions {
  pools: PoolSpec[];
  limits?: Partial<EngineLimits>;
  dataDir: string;
  host?: string;
  /** 0 lets the OS choose. */
  port?: number;
  /** Every route is also served over HTTPS (the local CA's certificate, or `auth.userCert`). Default true. */
  https?: boolean;
  /** 0 lets the OS choose. */
  httpsPort?: number;
  auth?: AuthSettings;
  clock?: Clock;
  runtime?: ContainerRuntime;
  /** Human-readable progress and warnings (the CLI sends them to stderr). */
  log?: (line: string) => void;
  /** Upper bound for removing every container on shutdown. */
  shutdownTimeoutMs?: number;
  /**
   * Mounts further routes (identity, ARM, admin API) before the data plane. Called once per start
   * with the emulator itself, so route modules stay outside this file.
   */
  extensions?: EmulatorExtension[];
}

export interface AuthSettings {
  /** Token checks on the data plane: strict, basic (default) or off. */
  mode?: AuthMode;
  appRegistrations?: AppRegistration[];
  roleAssignments?: RoleAssignments;
  userCert?: { certPath: string; keyPath: string };
}

export interface EmulatorExtension {
  mount(app: Express, emulator: Emulator): void;
  /**
   * Sees every pool-endpoint request before the data plane answers it. Pool endpoints bypass express
   * (they are the hot path), so middleware from `mount` never sees them: the recorder taps them here.
   */
  observeDataPlane?(emulator: Emulator): DataPlaneObserver;
  /** Runs before the server listens (e.g. to load persisted state). */
  start?(emulator: Emulator): Promise<void>;
  stop?(emulator: Emulator): Promise<void>;
  /** Fields this extension adds to the ready line (the admin API adds `dashboard`). */
  readyInfo?(emulator: Emulator): Partial<Pick<ReadyInfo, 'dashboard'>>;
}

export interface ReadyInfo {
  event: 'ready';
  http: string;
  https?: string;
  /** The dashboard (admin extension): `http://127.0.0.1:<port>/_sessionite/`, plus `#token=…` off loopback. */
  dashboard?: string;
  pools: Record<string, string>;
}

const FIRST_CHECK_WAIT_MS = 2000;

export type EmulatorState = 'closed' | 'starting' | 'running' | 'closing';

/**
 * The emulator: one object that the headless CLI and the Electron main process both construct.
 * Lifecycle closed → starting → running → closing → closed; start and stop are idempotent.
 */
export class Emulator {
  readonly events: EventStream;
  readonly clock: Clock;
  readonly instanceId = randomUUID();
  readonly limits: EngineLimits;
  state: EmulatorState = 'closed';
  private readonly runtime: ContainerRuntime;
  private readonly pools = new Map<string, SessionPool>();
  private readonly networks: SessionNetworks;
  private identityState?: Identity;
  private sessionIdentity?: SessionIdentityListeners;
  private readonly monitor: RuntimeMonitor;
  private readonly labels: Record<string, string>;
  private listening?: Listening;
  private baseUrl = '';
  private httpsBaseUrl?: string;
  private stopping?: Promise<void>;

  constructor(private readonly options: EmulatorOptions) {
    this.clock = options.clock ?? systemClock;
    this.events = new EventStream(() => this.clock.now());
    this.limits = { ...defaultEngineLimits, ...options.limits };
    this.runtime = options.runtime ?? new DockerRuntime();
    this.labels = {
      [LABELS.managed]: 'true',
      [LABELS.instance]: this.instanceId,
      [LABELS.owner]: ownerLabel(),
    };
    this.monitor = new RuntimeMonitor(
      this.runtime,
      { [LABELS.managed]: 'true', [LABELS.instance]: this.instanceId },
      this.events,
      {
        onExit: (exit) => {
          for (const pool of this.pools.values()) pool.onContainerExit(exit.id, exit.exitCode, exit.oomKilled);
        },
        onAvailable: () => this.onRuntimeAvailable(),
      },
    );
    this.networks = new SessionNetworks(
      this.runtime,
      this.instanceId,
      this.labels,
      async (network) => {
        await this.sessionIdentity?.attach(network);
      },
      (line) => this.log(`warning: ${line}`),
    );
    for (const spec of options.pools) this.pools.set(spec.name, new SessionPool(spec, this.poolContext()));
  }

  /** The fake Entra ID (tokens, TLS material, managed identity); present once started. */
  get identity(): Identity {
    if (!this.identityState) throw new Error('the emulator has not been started');
    return this.identityState;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** Resolves once the container engine has answered (immediately if it already has). */
  runtimeReady(): Promise<void> {
    if (this.monitor.available) return Promise.resolve();
    return this.events.waitFor('runtime.available').then(() => undefined);
  }

  get runtimeAvailable(): boolean {
    return this.monitor.available;
  }

  /** The data folder this emulator keeps its state in (shown by the dashboard's settings). */
  get dataDir(): string {
    return this.options.dataDir;
  }

  get httpUrl(): string {
    return this.baseUrl;
  }

  get httpsUrl(): string | undefined {
    return this.httpsBaseUrl;
  }

  async start(): Promise<ReadyInfo> {
    if (this.state === 'running') return this.readyInfo();
    if (this.state !== 'closed') throw new Error(`cannot start the emulator while it is ${this.state}`);
    this.state = 'starting';
    const previous = await readInstanceFile(this.options.dataDir);
    if (previous && isLiveElsewhere(previous)) {
      this.state = 'closed';
      throw new Error(
        `the data folder ${this.options.dataDir} is in use by a running emulator (pid ${previous.pid}, ${previous.http ?? 'unknown address'}); stop it or choose another --data-dir`,
      );
    }
    try {
      this.identityState ??= await createIdentity({
        dataDir: this.options.dataDir,
        clock: this.clock,
        mode: this.options.auth?.mode,
        appRegistrations: this.options.auth?.appRegistrations,
        roleAssignments: this.options.auth?.roleAssignments,
        userCert: this.options.auth?.userCert,
      });
      this.sessionIdentity = new SessionIdentityListeners(this.identityState, (line) => this.log(line));
      for (const extension of this.options.extensions ?? []) await extension.start?.(this);
      await this.listen();
    } catch (error) {
      this.state = 'closed';
      throw error;
    }
    await writeInstanceFile(this.options.dataDir, {
      instanceId: this.instanceId,
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      http: this.baseUrl,
      https: this.httpsBaseUrl,
      ca: this.identity.tls.caPath,
      tenantId: this.identity.tenantId,
    });
    this.state = 'running';
    // Known before the first engine check, which may already reap: the run this data folder last
    // served is dead (it is not live elsewhere), whatever its pid has become since.
    if (previous) this.previousInstance = previous.instanceId;
    // The first engine check is a local ping (milliseconds); waiting for it, briefly, means a client
    // that calls right after the ready line is not told "engine unavailable" by a race. Image pulls
    // and ready sessions are never waited for.
    const checked = this.monitor.start().then(() => {
      if (!this.monitor.available) this.log(`warning: ${this.monitor.problem}; retrying every second`);
    });
    await Promise.race([checked, new Promise((resolve) => setTimeout(resolve, FIRST_CHECK_WAIT_MS).unref())]);
    return this.readyInfo();
  }

  private previousInstance?: string;

  private async listen(): Promise<void> {
    const identity = this.identity;
    const verify = dataPlaneAuthenticator(identity, () => this.httpsBaseUrl);
    const dataPlane = {
      findPool: (url: PoolUrl) => this.findPool(url),
      authenticate: (req: IncomingMessage) => verify(req.headers.authorization),
      events: this.events,
      limits: this.limits,
    };
    const extensions = this.options.extensions ?? [];
    const app = createApp({
      health: {
        live: () => ({ status: 'ok' }),
        ready: () => this.readiness(),
      },
      // Extensions first: a recorder among them must see token exchanges too.
      mount: (expressApp) => {
        for (const extension of extensions) extension.mount(expressApp, this);
        expressApp.use(identity.tokenRouter);
        expressApp.use(identity.managedIdentityRouter);
      },
    });
    const dataPlaneAccess = { dataPlane, isSessionAddress: (address: string | undefined) => this.networks.isSessionAddress(address) };
    const observers = extensions.flatMap((extension) => extension.observeDataPlane?.(this) ?? []);
    const listening = await listen({
      host: this.options.host ?? '127.0.0.1',
      port: this.options.port ?? 0,
      https: this.options.https === false ? undefined : { key: identity.tls.key, cert: identity.tls.cert, port: this.options.httpsPort ?? 0 },
      onRequest: createRequestHandler({ ...dataPlaneAccess, routes: app, observers }),
      onUpgrade: createUpgradeHandler(dataPlaneAccess),
    });
    this.listening = listening;
    this.baseUrl = listening.http;
    this.httpsBaseUrl = listening.https;
  }

  private closeServers(): Promise<void> {
    const listening = this.listening;
    this.listening = undefined;
    return listening?.close() ?? Promise.resolve();
  }

  private async onRuntimeAvailable(): Promise<void> {
    try {
      const reaped = await reapOrphans(this.runtime, this.instanceId, this.previousInstance ? [this.previousInstance] : []);
      if (reaped.containers || reaped.networks) {
        this.log(`removed ${reaped.containers} container(s) and ${reaped.networks} network(s) left by earlier runs`);
      }
    } catch (error) {
      this.log(`warning: could not reap containers of earlier runs: ${String(error)}`);
    }
    await Promise.all([...this.pools.values()].map((pool) => pool.resync()));
  }

  readyInfo(): ReadyInfo {
    const pools: Record<string, string> = {};
    for (const name of this.pools.keys()) pools[name] = this.poolEndpoint(name);
    const extra = Object.assign({}, ...(this.options.extensions ?? []).map((e) => e.readyInfo?.(this) ?? {})) as Partial<ReadyInfo>;
    const identity = this.identityState;
    return {
      event: 'ready',
      http: this.baseUrl,
      ...(this.httpsBaseUrl ? { https: this.httpsBaseUrl } : {}),
      ...(identity?.tls.caPath ? { ca: identity.tls.caPath } : {}),
      ...(identity
        ? {
            managedIdentity: {
              endpoint: this.baseUrl + identity.hostManagedIdentity.endpointPath,
              header: identity.hostManagedIdentity.header,
            },
          }
        : {}),
      ...extra,
      pools,
    };
  }

  /** The pool's data-plane URL; `https` picks the TLS listener when there is one. */
  poolEndpoint(name: string, scheme: 'http' | 'https' = 'http'): string {
    const pool = this.pools.get(name);
    if (!pool) throw Errors.poolNotFound(name);
    const base = scheme === 'https' && this.httpsBaseUrl ? this.httpsBaseUrl : this.baseUrl;
    return base + poolPath(pool.spec.subscriptionId, pool.spec.resourceGroup, name);
  }

  getPool(name: string): SessionPool | undefined {
    return this.pools.get(name);
  }

  listPools(): SessionPool[] {
    return [...this.pools.values()];
  }

  /** Adds a pool and starts preparing it (image pull, ready sessions) in the background. */
  createPool(spec: PoolSpec): SessionPool {
    if (this.pools.has(spec.name)) throw new Error(`pool '${spec.name}' already exists`);
    const pool = new SessionPool(spec, this.poolContext());
    if (this.pausedAll) pool.setPaused(true);
    this.pools.set(spec.name, pool);
    this.events.emit({ type: 'pool.created', pool: spec.name });
    if (this.state === 'running' && this.monitor.available) void pool.prepare();
    return pool;
  }

  /** Applies a new template; resolves when the new image is ready (or failed). */
  async updatePool(spec: PoolSpec): Promise<SessionPool> {
    const pool = this.pools.get(spec.name);
    if (!pool) throw Errors.poolNotFound(spec.name);
    await pool.update(spec);
    return pool;
  }

  /** Removes a pool and every session in it. */
  async deletePool(name: string): Promise<boolean> {
    const pool = this.pools.get(name);
    if (!pool) return false;
    this.pools.delete(name);
    await pool.dispose('poolDeleted');
    this.identityState?.unregisterSessionIdentity({
      name,
      resourceGroup: pool.spec.resourceGroup,
      subscriptionId: pool.spec.subscriptionId,
    });
    this.events.emit({ type: 'pool.deleted', pool: name });
    return true;
  }

  // ── Pause (the desktop tray's "pause all pools"; see SessionPool.setPaused) ─────────────────────
  private pausedAll = false;

  get poolsPaused(): boolean {
    return this.pausedAll;
  }

  /** Pauses or resumes every pool, including pools created while paused. */
  setPoolsPaused(paused: boolean): void {
    this.pausedAll = paused;
    for (const pool of this.pools.values()) pool.setPaused(paused);
  }
  // ─────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * A session container's CPU and memory counters (the dashboard samples them every few seconds);
   * undefined when the container is gone. Never called on a request's path.
   */
  containerStats(containerId: string): Promise<ContainerStats | undefined> {
    return this.runtime.stats(containerId);
  }

  /** Engine facts for status pages: reachability, version, the chosen endpoint. */
  runtimeStatus(): { available: boolean; problem: string; version?: string; name?: string } {
    return {
      available: this.monitor.available,
      problem: this.monitor.problem,
      version: this.monitor.info?.version,
      name: this.monitor.info?.name,
    };
  }

  private findPool(url: PoolUrl): SessionPool | undefined {
    const pool = this.pools.get(url.pool);
    if (!pool) return undefined;
    const sameSub = pool.spec.subscriptionId.toLowerCase() === url.subscriptionId.toLowerCase();
    const sameRg = pool.spec.resourceGroup.toLowerCase() === url.resourceGroup.toLowerCase();
    return sameSub && sameRg ? pool : undefined;
  }

  private readiness(): { ok: boolean; [key: string]: unknown } {
    const pools = Object.fromEntries(
      [...this.pools.values()].map((p) => [p.name, { state: p.state, problem: p.problem || undefined, ...p.counts() }]),
    );
    const ok = this.state === 'running' && this.monitor.available;
    return { ok, state: this.state, runtime: this.monitor.available ? 'available' : this.monitor.problem, pools };
  }

  private poolContext(): PoolContext {
    return {
      runtime: this.runtime,
      clock: this.clock,
      events: this.events,
      limits: this.limits,
      labels: this.labels,
      network: (egress) => this.networks.get(egress),
      sessionEnv: (spec) => this.sessionIdentity?.sessionEnv(spec, this.networks.name(spec.egress)) ?? {},
      runtimeAvailable: () => this.monitor.available,
      runtimeProblem: () => this.monitor.problem,
    };
  }

  /**
   * Stops accepting requests, removes every container and network of this run, and releases the data
   * folder; resolves within the shutdown bound (`shutdownTimeoutMs`) even when the engine is slower,
   * see `sweepRun`. Safe to call more than once.
   */
  stop(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    this.stopping ??= this.shutdown().finally(() => {
      this.stopping = undefined;
      this.state = 'closed';
    });
    return this.stopping;
  }

  /**
   * One deadline (`shutdownTimeoutMs` from the call) bounds the whole cleanup. Order matters: the
   * pools remove their sessions first (the runtime detaches and removes a few at a time, see
   * runtime/docker-teardown.ts), then a label sweep catches containers the pools did not know of
   * (and waits for removals still under way), and only then go the networks, which refuse removal
   * while any container is attached.
   */
  private async shutdown(): Promise<void> {
    this.state = 'closing';
    const closed = this.closeServers();
    const deadline = Date.now() + (this.options.shutdownTimeoutMs ?? 5000);
    const disposed = Promise.all([...this.pools.values()].map((p) => p.dispose('shutdown')));
    await Promise.race([disposed, new Promise((r) => setTimeout(r, deadline - Date.now()).unref())]);
    this.monitor.stop();
    // Extensions stop after the pools, so the logs store still records the shutdown's own events.
    for (const extension of this.options.extensions ?? []) {
      await extension.stop?.(this).catch((error: unknown) => this.log(`warning: ${String(error)}`));
    }
    await this.sessionIdentity?.close();
    await sweepRun({
      runtime: this.runtime,
      labels: { [LABELS.managed]: 'true', [LABELS.instance]: this.instanceId },
      deadline,
      disposed,
      // A restarted emulator (same instance, same network names) owns the networks again.
      stillStopping: () => this.state === 'closing' || this.state === 'closed',
      log: (line) => this.log(line),
    });
    await closed;
    await removeInstanceFile(this.options.dataDir, this.instanceId);
  }
}
