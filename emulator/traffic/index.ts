import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { Router, type Express, type NextFunction, type Request, type Response } from 'express';
import { createGuard, type GuardOptions } from '../admin/guard.js';
import type { AdminRoutes } from '../admin/index.js';
import { packageVersion } from '../admin/static.js';
import type { Emulator, EmulatorExtension } from '../emulator.js';
import type { DataPlaneObserver } from '../http/request-handler.js';
import { listPage } from './query.js';
import { Recorder } from './recorder.js';
import { Replayer } from './replayer.js';
import { requestsRouter } from './routes.js';
import { REQUESTS_API_PATH, type ExchangeRecord, type RecordSummary, type RecorderState, type RequestFilter, type RequestListResponse } from './types.js';
import { tapUpgrades } from './upgrade-tap.js';

export interface TrafficOptions {
  /** Records go to `<dataDir>/traffic/`. */
  dataDir: string;
  /** Bytes stored per body (request and response each); the full size is always recorded. Default 1 MiB. */
  bodyCapBytes?: number;
  /** Bounds: the oldest records are dropped first. Defaults: 20,000 records, 256 MiB, 7 days. */
  maxRecords?: number;
  maxBytes?: number;
  maxAgeMs?: number;
  /** Record from the start (default true); `setEnabled` or the API pause and resume at run time. */
  enabled?: boolean;
  /**
   * The admin API's access rules, so `/_sessionite/api/requests` answers exactly whom the admin API
   * answers (pass the admin extension's `token` and `tokenRequired` and the listen host). Without them
   * the API answers loopback peers only.
   */
  access?: Omit<GuardOptions, 'token' | 'requireToken'> & { token: string; requireToken: boolean };
  /**
   * Serve `/_sessionite/api/requests` from this extension (default true). Set false when the routes are
   * registered with the admin API instead (`createAdminExtension({ routes: [traffic.adminRoutes] })`),
   * which then guards them with its own token and checks.
   */
  serveApi?: boolean;
  log?: (line: string) => void;
}

export interface TrafficExtension extends EmulatorExtension {
  /** The requests API for the admin extension's `routes` option (paths under `/_sessionite/api`). */
  readonly adminRoutes: AdminRoutes;
  readonly enabled: boolean;
  /** Turns recording on or off at run time (benchmarks compare both). Replays are recorded regardless. */
  setEnabled(enabled: boolean): void;
  /** Every stored record's summary, after it is written (for the admin event stream). Returns unsubscribe. */
  onRecord(listener: (summary: RecordSummary) => void): () => void;
  /** Resolves once everything captured so far is stored. */
  flushed(): Promise<void>;
  get(id: string): Promise<ExchangeRecord | undefined>;
  list(filter?: RequestFilter, limit?: number, before?: number): RequestListResponse;
  clear(): Promise<void>;
  state(): RecorderState;
}

const MiB = 1024 * 1024;
const noop = (): void => undefined;

/** Security decision: with no admin token to check, only this machine may read recorded traffic. */
function loopbackPeer(req: Request, res: Response, next: NextFunction): void {
  const address = req.socket.remoteAddress ?? '';
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if ((isIP(v4) === 4 && v4.startsWith('127.')) || address === '::1') return next();
  res.status(403).json({ error: { code: 'ForbiddenHost', message: 'Recorded requests are served to this machine only.' } });
}

function portOf(url: string | undefined): number | undefined {
  if (!url) return undefined;
  const port = Number(new URL(url).port);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

const DEFAULTS = { bodyCapBytes: MiB, maxRecords: 20_000, maxBytes: 256 * MiB, maxAgeMs: 7 * 24 * 3_600_000 };

/**
 * Request recording, inspection and replay as an emulator extension. It must come FIRST in
 * `extensions`: its tap sees only the routes mounted after it, and its API must answer before the admin
 * API's placeholder for `/requests`.
 */
class TrafficRecording implements TrafficExtension {
  private recorder?: Recorder;
  private wanted: boolean;
  private untapUpgrades?: () => void;
  private readonly listeners = new Set<(summary: RecordSummary) => void>();
  private readonly guard: ReturnType<typeof createGuard>;
  private readonly peerCheck: ((req: Request, res: Response, next: NextFunction) => void)[];
  readonly adminRoutes: AdminRoutes;

  constructor(private readonly options: TrafficOptions) {
    this.wanted = options.enabled ?? true;
    const access = options.access ?? { listenHost: '127.0.0.1', token: randomBytes(32).toString('base64url'), requireToken: false };
    this.guard = createGuard(access);
    this.peerCheck = options.access ? [] : [loopbackPeer];
    this.adminRoutes = { feature: 'requests', router: (emulator) => Router().use('/requests', this.router(emulator)) };
  }

  private current(): Recorder {
    if (!this.recorder) throw new Error('request recording has not been started');
    return this.recorder;
  }

  private router(emulator: Emulator): Router {
    const recorder = this.current();
    return requestsRouter({ emulator, recorder, replayer: new Replayer(emulator, recorder), version: packageVersion() });
  }

  get enabled(): boolean {
    return this.recorder?.enabled ?? this.wanted;
  }

  setEnabled(enabled: boolean): void {
    this.wanted = enabled;
    if (this.recorder) this.recorder.enabled = enabled;
  }

  onRecord(listener: (summary: RecordSummary) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(emulator: Emulator): Promise<void> {
    const recorder = new Recorder({
      ...DEFAULTS,
      ...definedLimits(this.options),
      dir: join(this.options.dataDir, 'traffic'),
      enabled: this.wanted,
      now: () => emulator.clock.now(),
      log: this.options.log ?? (() => undefined),
    });
    await recorder.start();
    recorder.onRecord((summary) => {
      for (const listener of this.listeners) listener(summary);
    });
    this.recorder = recorder;
  }

  mount(app: Express, emulator: Emulator): void {
    const recorder = this.current();
    if (this.options.serveApi !== false) app.use(REQUESTS_API_PATH, this.guard.all, this.guard.api, ...this.peerCheck, this.router(emulator));
    // Token and ARM exchanges pass express; pool endpoints are tapped by `observeDataPlane`.
    app.use(recorder.tap);
    // Upgrade observers are process-wide: keep the handshakes that reached this emulator's listeners.
    const ours = (req: IncomingMessage): boolean => {
      const port = req.socket.localPort;
      return port !== undefined && (port === portOf(emulator.httpUrl) || port === portOf(emulator.httpsUrl));
    };
    this.untapUpgrades?.();
    this.untapUpgrades = tapUpgrades({ ours, enabled: () => recorder.enabled, now: () => emulator.clock.now(), sink: (exchange) => recorder.accept(exchange) });
  }

  observeDataPlane(): DataPlaneObserver {
    const tap = this.current().tap;
    return (req, res) => tap(req, res, noop);
  }

  async stop(): Promise<void> {
    this.untapUpgrades?.();
    this.untapUpgrades = undefined;
    if (this.recorder) this.wanted = this.recorder.enabled;
    await this.recorder?.stop();
  }

  flushed(): Promise<void> {
    return this.current().flushed();
  }

  get(id: string): Promise<ExchangeRecord | undefined> {
    return this.current().store.get(id);
  }

  list(filter: RequestFilter = {}, limit = 100, before?: number): RequestListResponse {
    return listPage(this.current().store.list(), filter, limit, before);
  }

  clear(): Promise<void> {
    return this.current().clear();
  }

  state(): RecorderState {
    return this.current().state();
  }
}

function definedLimits(options: TrafficOptions): Partial<typeof DEFAULTS> {
  const { bodyCapBytes, maxRecords, maxBytes, maxAgeMs } = options;
  return Object.fromEntries(Object.entries({ bodyCapBytes, maxRecords, maxBytes, maxAgeMs }).filter(([, v]) => v !== undefined));
}

export function createTrafficExtension(options: TrafficOptions): TrafficExtension {
  return new TrafficRecording(options);
}

export { REQUESTS_API_PATH } from './types.js';
export type * from './types.js';
