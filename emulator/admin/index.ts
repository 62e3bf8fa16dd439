import { randomBytes } from 'node:crypto';
import express, { Router, type Express, type NextFunction, type Request, type Response } from 'express';
import type { Emulator, EmulatorExtension } from '../emulator.js';
import {
  DASHBOARD_PATH,
  routes,
  type FeatureName,
  type FeatureState,
  type RecordSummary,
  type StatusResponse,
} from './contract.js';
import { EventFeed } from './event-feed.js';
import { createGuard, requiresToken } from './guard.js';
import { identityRoutes } from './identity-routes.js';
import { poolRoutes } from './pool-routes.js';
import { engineShortcutPoolWriter, type PoolWriter } from './pool-writer.js';
import { sendAdminError, sendJson } from './respond.js';
import { sendRoute } from './send-route.js';
import { SessionStatsSampler, sessionStatsRoute, type SessionStatsOptions } from './session-stats.js';
import { NOT_BUILT_PAGE, findRendererDir, packageVersion } from './static.js';
import { limitsView } from './views.js';

export interface AdminOptions {
  /** The address the emulator listens on (the same `host` given to the Emulator). Default 127.0.0.1. */
  listenHost?: string;
  /**
   * The per-run admin token. Default: `SESSIONITE_ADMIN_TOKEN` (removed from the environment once read,
   * so child processes never inherit it), else 32 random bytes.
   */
  token?: string;
  /** Require the token even on loopback (Electron can). Default: only when listening beyond loopback. */
  requireToken?: boolean;
  allowedHosts?: string[];
  allowedOrigins?: string[];
  /** The built dashboard; default `<package>/dist/renderer`. */
  rendererDir?: string;
  /** Replaced by the ARM control plane's writer once it lands. */
  pools?: (emulator: Emulator) => PoolWriter;
  /** What later modules bring; each false entry says what brings it. */
  features?: Partial<Record<FeatureName, FeatureState>>;
  /**
   * Routes other domains add to the admin API (logs, request recording …): each module registers its
   * own, so this file does not grow with them. They sit behind the same guard and JSON parsing.
   */
  routes?: AdminRoutes[];
  /**
   * Where recorded exchanges come from (the request-recording extension): each stored record's summary
   * goes to the dashboard's event stream, so the Requests view updates without polling.
   */
  requests?: RecordingSource;
  /** How the Sessions view's CPU and memory readings are taken (at most every 5 s per pool by default). */
  sessionStats?: SessionStatsOptions;
}

export interface RecordingSource {
  /** Calls `listener` with each stored record's summary; returns unsubscribe. */
  onRecord(listener: (summary: RecordSummary) => void): () => void;
}

export interface AdminRoutes {
  /** The feature these routes bring: it is reported available and its "not available yet" answer goes. */
  feature?: FeatureName;
  /** Paths relative to `/_sessionite/api`, e.g. `/logs/query`. */
  router: (emulator: Emulator) => Router;
}

const DEFAULT_FEATURES: Record<FeatureName, FeatureState> = {
  identity: { available: true },
  arm: { available: false, arrivesWith: 'the ARM control plane' },
  logs: { available: false, arrivesWith: 'console-log capture and KQL queries' },
  requests: { available: false, arrivesWith: 'request recording and replay' },
};

export interface AdminExtension extends EmulatorExtension {
  readonly token: string;
  readonly tokenRequired: boolean;
  /** The dashboard's URL; carries `#token=…` when the token is required. */
  dashboardUrl(emulator: Emulator): string;
}

/** The admin API, its event stream and the built dashboard, all under `/_sessionite/`. */
export function createAdminExtension(options: AdminOptions = {}): AdminExtension {
  const listenHost = options.listenHost ?? '127.0.0.1';
  const token = options.token ?? takeEnvToken() ?? randomBytes(32).toString('base64url');
  const tokenRequired = options.requireToken ?? requiresToken(listenHost);
  const guard = createGuard({ listenHost, token, requireToken: tokenRequired, ...pick(options) });
  const feed = new EventFeed();
  const sampler = new SessionStatsSampler(options.sessionStats);
  let unsubscribeRecords: (() => void) | undefined;
  const features: Record<FeatureName, FeatureState> = { ...DEFAULT_FEATURES, ...options.features };
  for (const extra of options.routes ?? []) if (extra.feature) features[extra.feature] = { available: true };
  const startedAt = new Date().toISOString();
  const version = packageVersion();

  const dashboardUrl = (emulator: Emulator): string =>
    `${emulator.httpUrl}${DASHBOARD_PATH}${tokenRequired ? `#token=${token}` : ''}`;

  const status = (emulator: Emulator): StatusResponse => ({
    emulator: {
      state: emulator.state,
      version,
      instanceId: emulator.instanceId,
      startedAt,
      dataDir: emulator.dataDir,
    },
    runtime: emulator.runtimeStatus(),
    endpoints: {
      http: emulator.httpUrl,
      ...(emulator.httpsUrl ? { https: emulator.httpsUrl } : {}),
      dashboard: `${emulator.httpUrl}${DASHBOARD_PATH}`,
    },
    serverTime: new Date(emulator.clock.now()).toISOString(),
    tokenRequired,
    auth: { mode: emulator.identity.mode },
    limits: limitsView(emulator.limits),
    features,
  });

  function api(emulator: Emulator): Router {
    const router = Router();
    router.use(guard.api);
    // A HAR import is a whole document (the recorder accepts up to 64 MB); everything else is small.
    const json = express.json({ limit: '2mb' });
    const largeJson = express.json({ limit: '64mb' });
    router.use((req, res, next) => (req.path === routes.requestsImport() ? largeJson : json)(req, res, next));
    router.get('/status', (_req, res) => sendJson<StatusResponse>(res, 200, status(emulator)));
    router.get('/events', (req, res) => feed.connect(res, afterParam(req)));
    router.use(sessionStatsRoute(emulator, sampler));
    router.use(poolRoutes(emulator, (options.pools ?? engineShortcutPoolWriter)(emulator)));
    router.use(sendRoute(emulator));
    for (const extra of options.routes ?? []) router.use(extra.router(emulator));
    router.use(notAvailable('/requests', 'requests', features));
    router.use(notAvailable('/logs', 'logs', features));
    router.use(identityRoutes(emulator));
    router.use((req, res) =>
      sendAdminError(res, 404, 'NotFound', `No admin route ${req.method} ${req.path}.`),
    );
    router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const status = statusOf(error);
      if (status === 400) sendAdminError(res, 400, 'InvalidRequest', 'The request body is not valid JSON.');
      else sendAdminError(res, status ?? 500, 'InternalError', String(error));
    });
    return router;
  }

  return {
    token,
    tokenRequired,
    dashboardUrl,
    mount(app: Express, emulator: Emulator) {
      feed.attach(emulator.events);
      unsubscribeRecords?.();
      unsubscribeRecords = options.requests?.onRecord((summary) => feed.pushRequest(summary));
      const reserved = Router();
      reserved.use(guard.all);
      reserved.use(securityHeaders);
      reserved.use('/api', api(emulator));
      const dir = findRendererDir(options.rendererDir);
      if (dir) reserved.use(express.static(dir, { index: 'index.html', fallthrough: true, maxAge: 0 }));
      reserved.get('/', (_req, res) => {
        res.status(503).type('html').send(NOT_BUILT_PAGE);
      });
      reserved.use((req, res) =>
        sendAdminError(res, 404, 'NotFound', `Nothing at ${req.path} in the dashboard.`),
      );
      app.use(DASHBOARD_PATH.slice(0, -1), reserved);
    },
    readyInfo(emulator: Emulator) {
      return { dashboard: dashboardUrl(emulator) };
    },
    async stop() {
      unsubscribeRecords?.();
      unsubscribeRecords = undefined;
      feed.close();
    },
  };
}

function pick(options: AdminOptions): { allowedHosts?: string[]; allowedOrigins?: string[] } {
  return { allowedHosts: options.allowedHosts, allowedOrigins: options.allowedOrigins };
}

/** No framing (clickjacking), no MIME sniffing, no referrer carrying URLs elsewhere. */
function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'x-frame-options': 'DENY',
    'content-security-policy': "frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
  });
  next();
}

function takeEnvToken(): string | undefined {
  const value = process.env.SESSIONITE_ADMIN_TOKEN;
  delete process.env.SESSIONITE_ADMIN_TOKEN;
  return value === '' ? undefined : value;
}

function afterParam(req: Request): number | undefined {
  const raw = req.query.after;
  const value = typeof raw === 'string' ? Number(raw) : NaN;
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number') {
    return error.status;
  }
  return undefined;
}

function notAvailable(
  path: string,
  feature: FeatureName,
  features: Record<FeatureName, FeatureState>,
): Router {
  const router = Router();
  router.use(path, (_req, res, next) => {
    const state = features[feature];
    if (state.available) {
      next();
      return;
    }
    sendAdminError(res, 501, 'FeatureNotAvailable', `Not available yet: arrives with ${state.arrivesWith}.`, {
      arrivesWith: state.arrivesWith,
    });
  });
  return router;
}
