/**
 * The admin API's contract: every route, request and response type the dashboard uses. It is the ONE
 * module both sides import — the server (`emulator/admin/*`) and the renderer's client
 * (`renderer/src/api/client.ts`) — so it holds types and plain constants only: no Node, no DOM, no
 * runtime dependency. It imports only the engine's event union (`events.ts`), the logs contract
 * (`logs/contract.ts`), the requests API's types (`traffic/types.ts`) and the pool's ARM view
 * (`config/arm-view-types.ts`), all self-contained. The wire shape of validation issues is declared
 * here (codes as plain strings), and the server assigns the engine's values to it, so a change on the
 * engine side that would break the dashboard fails the server's typecheck.
 */
import type { TimedEvent } from '../events.js';

export type { TimedEvent };
/** The logs API (KQL queries, live tail) is part of this contract; its shapes live with the logs module. */
export * from '../logs/contract.js';
import { logsRoutes } from '../logs/contract.js';
/** So is the requests API (recorded exchanges, replay, compare, HAR): its shapes live with the recorder. */
export * from '../traffic/types.js';
import type { ExchangeKind, RecordSummary } from '../traffic/types.js';

/** A field-level problem of a pool definition (`config/issues.ts` produces them). */
export interface ValidationIssue {
  /** ARM path, e.g. `properties.scaleConfiguration.readySessionInstances`. */
  path: string;
  /** The rule that was broken, in words a user can act on. */
  rule: string;
  code: string;
}

/** The ARM view of a pool (`config/arm-view.ts` builds it); secret values never appear in it. */
import type { SessionPoolArmView } from '../config/arm-view-types.js';
export type { SessionPoolArmView };

/** Where the dashboard lives; the API sits under it. Reserved: no pool URL starts with it. */
export const DASHBOARD_PATH = '/_sessionite/';
export const API_PATH = '/_sessionite/api';

/** Header carrying the per-run admin token (required when the emulator listens beyond loopback). */
export const TOKEN_HEADER = 'x-sessionite-token';

/** Routes relative to `API_PATH`. Pool names are URL-safe by validation; identifiers travel in bodies. */
export const routes = {
  status: () => '/status',
  pools: () => '/pools',
  pool: (name: string) => `/pools/${encodeURIComponent(name)}`,
  sessions: (pool: string) => `/pools/${encodeURIComponent(pool)}/sessions`,
  sessionStats: (pool: string) => `/pools/${encodeURIComponent(pool)}/sessions/stats`,
  stopSession: (pool: string) => `/pools/${encodeURIComponent(pool)}/sessions/stop`,
  send: (pool: string) => `/pools/${encodeURIComponent(pool)}/send`,
  events: () => '/events',
  /** GET (filters as query parameters, `limit`, `before`) → `RequestListResponse`; DELETE clears. */
  requests: () => '/requests',
  requestsState: () => '/requests/state',
  requestsPause: () => '/requests/pause',
  requestsResume: () => '/requests/resume',
  /** GET `format=curl|http|har` and `ids=1,2` or the list filters → a text file. */
  requestsExport: () => '/requests/export',
  /** POST `ImportRequest` → `ReplayBatchResponse`. */
  requestsImport: () => '/requests/import',
  request: (id: string) => `/requests/${encodeURIComponent(id)}`,
  /** POST `ReplayOptions` → `ReplayResult` (422 with a `ReplayResult` when it could not be sent). */
  requestReplay: (id: string) => `/requests/${encodeURIComponent(id)}/replay`,
  requestCompare: (a: string, b: string) =>
    `/requests/${encodeURIComponent(a)}/compare/${encodeURIComponent(b)}`,
  logsQuery: () => logsRoutes.query(),
  logsTail: () => logsRoutes.tail(),
  logsStats: () => logsRoutes.stats(),
  identity: () => '/identity',
  identityToken: () => '/identity/token',
} as const;

/**
 * `GET /requests` (and `/requests/export`) query parameters, as `parseFilter` in `traffic/query.ts`
 * reads them; all optional, combined with AND.
 */
export interface RequestListQuery {
  pool?: string;
  identifier?: string;
  sessionId?: string;
  kind?: ExchangeKind;
  /** `1xx` … `5xx`, `error` (no response, 5xx or an error code), or an exact status. */
  status?: string;
  method?: string;
  /** Case-insensitive text in the path or query. */
  q?: string;
  /** Epoch ms, ISO time, or a duration ago (`15m`, `2h`). */
  from?: string;
  to?: string;
  /** Total time at least this many ms. */
  slow?: number;
  replayOf?: string;
  limit?: number;
  /** Sequence number from the previous page's `nextBefore`. */
  before?: number;
}

/** Features that arrive with later modules; the dashboard shows an honest empty state until then. */
export type FeatureName = 'identity' | 'arm' | 'logs' | 'requests';

export type FeatureState = { available: true } | { available: false; arrivesWith: string };

export interface StatusResponse {
  emulator: {
    state: 'closed' | 'starting' | 'running' | 'closing';
    version: string;
    instanceId: string;
    /** ISO time the admin API was mounted (≈ emulator start). */
    startedAt: string;
    dataDir: string;
  };
  runtime: { available: boolean; problem: string; version?: string; name?: string };
  endpoints: { http: string; https?: string; dashboard: string };
  /** The emulator's clock (it may be a test clock), for countdowns and charts. */
  serverTime: string;
  /** Whether this API requires the token (listening beyond loopback). */
  tokenRequired: boolean;
  /** Data-plane token checks (strict, basic, off). */
  auth: { mode: string };
  limits: EngineLimitsView;
  features: Record<FeatureName, FeatureState>;
}

export interface EngineLimitsView {
  maxQueuedAllocations: number;
  allocationTimeoutMs: number;
  sessionStartTimeoutMs: number;
  connectTimeoutMs: number;
  responseHeadersTimeoutMs: number;
  maxParallelStarts: number;
  capacityErrorStatus: 404 | 429;
  pidsLimit: number;
}

export type PoolState = 'preparing' | 'ready' | 'failed' | 'deleting';

export interface PoolCountsView {
  ready: number;
  starting: number;
  allocated: number;
  max: number;
  readyTarget: number;
}

export interface PoolSummary {
  name: string;
  state: PoolState;
  /** Why the pool is not ready (image pull failure …); empty when fine. */
  problem: string;
  generation: number;
  image: string;
  counts: PoolCountsView;
  lifecycle:
    { type: 'Timed'; cooldownSeconds: number } | { type: 'OnContainerExit'; maxAliveSeconds: number };
  subscriptionId: string;
  resourceGroup: string;
  endpoint: string;
  httpsEndpoint?: string;
}

export interface PoolDetail {
  summary: PoolSummary;
  /** The ARM view of the pool (secret values never included). */
  definition: SessionPoolArmView;
}

/**
 * `PUT /pools/:name`: an ARM `Microsoft.App/sessionPools` body. A secret sent without a value keeps
 * the value the pool already has (ARM never returns secret values, so an edit form cannot resend them).
 */
export interface PutPoolRequest {
  definition: unknown;
}

export type SessionState = 'starting' | 'ready' | 'allocated' | 'stopping';

export interface SessionRow {
  identifier: string;
  sessionId: string;
  state: SessionState;
  createdAt: string;
  lastAccessedAt: string;
  /** When the session ends if nothing else happens; null while a request holds it (Timed). */
  expiresAt: string | null;
  requestCount: number;
  inflight: number;
}

export interface SessionsResponse {
  pool: string;
  sessions: SessionRow[];
  /** The server's clock, so countdowns do not drift with the browser's. */
  now: string;
}

/** One session's resource use, from two readings of its container's counters. */
export interface SessionStats {
  sessionId: string;
  /** CPU cores in use over the last interval (0.5 = half a core); null until a second reading. */
  cpuCores: number | null;
  /** Memory in use without the page cache; null when it could not be read. */
  memoryBytes: number | null;
  /** The container's memory limit (the pool's `memory`). */
  memoryLimitBytes?: number;
  /** ISO time of the reading. */
  readAt: string;
}

/**
 * `GET /pools/:name/sessions/stats`: the allocated sessions' CPU and memory. Readings are taken at
 * most every `intervalMs` per pool (callers in between get the last ones), only while someone asks,
 * and never on the data plane's path.
 */
export interface SessionStatsResponse {
  pool: string;
  /** By session id (`SessionRow.sessionId`). */
  stats: Record<string, SessionStats>;
  intervalMs: number;
  /** Why there are no readings (engine unreachable …); empty when fine. */
  problem: string;
}

export interface StopSessionRequest {
  identifier: string;
}

/** `POST /pools/:name/send`: the composer's request, forwarded to the pool endpoint by the server. */
export interface SendRequest {
  identifier: string;
  method: string;
  /** Path under the pool endpoint, starting with '/'. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface SendResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Whether `body` was cut at the size limit. */
  truncated: boolean;
  totalMs: number;
}

export interface IdentityInfo {
  /** Data-plane token checks: strict, basic or off. */
  mode: string;
  tenantId: string;
  /** The HTTPS origin Azure SDKs must use for tokens and ARM. */
  https?: string;
  /** The local CA file clients must trust; absent with a user-supplied certificate. */
  caPath?: string;
  /** Ready-to-follow trust steps (Node, Python, curl, OS store). */
  trustInstructions: string;
  /** The host's managed-identity endpoint (App Service style `IDENTITY_ENDPOINT` / `IDENTITY_HEADER`). */
  managedIdentity: {
    endpoint: string;
    header: string;
    clientId: string;
    objectId: string;
    resourceId: string;
  };
}

export interface IssueTokenRequest {
  /** A resource URI, e.g. `https://dynamicsessions.io` (a trailing `/.default` is accepted). */
  audience: string;
}

export interface IssueTokenResponse {
  accessToken: string;
  /** ISO time. */
  expiresOn: string;
  audience: string;
}

/** The data plane's audience: what a token for a pool endpoint is issued for. */
export const DATA_PLANE_AUDIENCE = 'https://dynamicsessions.io';

/** One engine event with its position in the stream (reconnects resume after `seq`). */
export interface SequencedEvent {
  seq: number;
  event: TimedEvent;
}

/**
 * One server-sent `data:` message. Events are batched (at most one message per ~100 ms); the first
 * message of a connection replays recent events (`replay: true`) so charts and error lists survive a
 * reload.
 */
export interface EventBatch {
  replay: boolean;
  events: SequencedEvent[];
  /**
   * Exchanges recorded since the last message (when request recording is mounted), oldest first.
   * Never replayed: a (re)connecting client loads the list instead.
   */
  requests?: RecordSummary[];
  /** Records left out of this message because too many arrived at once; the client reloads the list. */
  requestsSkipped?: number;
}

/** Error body of every admin route; `issues` are field-level validation messages (ARM paths). */
export interface AdminErrorBody {
  error: {
    code: AdminErrorCode;
    message: string;
    issues?: ValidationIssue[];
    /** For `FeatureNotAvailable`: what brings the feature. */
    arrivesWith?: string;
  };
}

export type AdminErrorCode =
  | 'ForbiddenHost'
  | 'ForbiddenOrigin'
  | 'TokenRequired'
  | 'UnsupportedMediaType'
  | 'InvalidRequest'
  | 'ValidationFailed'
  | 'NotFound'
  | 'PoolNotFound'
  | 'PoolExists'
  | 'SessionNotFound'
  | 'FeatureNotAvailable'
  | 'InternalError';
