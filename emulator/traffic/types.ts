/**
 * The recorded-exchange model and the request/response types of the requests API. Types and plain
 * constants only (no Node, no runtime dependency), so the admin contract can re-export them for the
 * dashboard.
 */

/**
 * What kind of route answered. Declared here (not in `annotations.ts`, which needs Node's types) so
 * this module stays importable by the dashboard. `other`: no route claimed the request (unknown paths
 * answered 404).
 */
export type ExchangeKind = 'data' | 'management' | 'token' | 'arm' | 'identity' | 'other';

/** Where the requests API lives (under the admin API prefix, same guard). */
export const REQUESTS_API_PATH = '/_sessionite/api/requests';

const REPLAY_MANAGED_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'upgrade',
  'content-length',
  'expect',
  'authorization',
  'x-sessionite-replay',
]);

/**
 * Request headers a replay never takes from a record (hop-by-hop, recomputed, or credentials: redacted,
 * or foreign in a HAR); the emulator sets its own. Shared with the dashboard, which hides them in the
 * replay editor. `name` is lower-case.
 */
export function isReplayManagedHeader(name: string): boolean {
  return REPLAY_MANAGED_HEADERS.has(name) || name.startsWith('proxy-');
}

/** Routes relative to the admin API (`/_sessionite/api`); ids are decimal strings. */
export const requestRoutes = {
  /** GET with the `RequestFilter` query (pool, identifier, sessionId, kind, status, method, q, from, to, slow, replayOf) + limit, before; DELETE clears. */
  list: () => '/requests',
  state: () => '/requests/state',
  pause: () => '/requests/pause',
  resume: () => '/requests/resume',
  one: (id: string) => `/requests/${encodeURIComponent(id)}`,
  /** POST `ReplayOptions` → `ReplayResult`. */
  replay: (id: string) => `/requests/${encodeURIComponent(id)}/replay`,
  /** POST `ReplayBatchRequest` → `ReplayBatchResponse`. */
  replaySequence: () => '/requests/replay',
  compare: (a: string, b: string) => `/requests/${encodeURIComponent(a)}/compare/${encodeURIComponent(b)}`,
  /** GET `?format=har|curl|http` with `ids=1,2` or the list filters; a download. */
  export: () => '/requests/export',
  exportOne: (id: string) => `/requests/${encodeURIComponent(id)}/export`,
  /** POST `ImportRequest` → `ReplayBatchResponse`. */
  import: () => '/requests/import',
} as const;

/** What replaces a redacted value. Fixed text, so a search for it finds every redaction. */
export const REDACTED = '[REDACTED]';

/** A request or response body as stored: at most the cap, redacted, with the full size. */
export interface StoredBody {
  /** Bytes seen on the wire, even when only a prefix is stored. */
  size: number;
  /** `utf8`: `data` is the text; `base64`: binary bytes. */
  encoding: 'utf8' | 'base64';
  data: string;
  /** Only a prefix is stored: the body was larger than the cap. */
  truncated: boolean;
  /** The transfer did not complete (client or session went away). */
  incomplete?: boolean;
  /** A compressed body stored decoded (replays encode it again). */
  decoded?: 'gzip' | 'deflate' | 'br';
  /** Why `data` is empty although `size` is not (e.g. a compressed body too large to check for secrets). */
  omitted?: string;
}

export type HeaderMap = Record<string, string | string[]>;

export interface ExchangeTiming {
  /** Waiting for a session: allocation, or the whole cold start. */
  waitMs?: number;
  /** From the start of forwarding to the connection to the session. */
  connectMs?: number;
  /** From the start of forwarding to the session's response headers. */
  ttfbMs?: number;
  /** From the request's arrival to the response headers leaving the emulator. */
  headersMs?: number;
  /** From the request's arrival to the last response byte (or the abort). */
  totalMs: number;
}

export interface ExchangeRecord {
  /** Decimal sequence number: increases with each record, never reused in a data folder. */
  id: string;
  seq: number;
  /** ISO time the request arrived (the emulator's clock). */
  time: string;
  kind: ExchangeKind;
  pool?: string;
  identifier?: string;
  sessionId?: string;
  method: string;
  scheme: 'http' | 'https';
  /** The Host header the client sent. */
  host: string;
  /** The path as sent (pool prefix included), without the query. */
  path: string;
  /** For pool endpoints: the path under the pool endpoint (what the session saw). */
  target?: string;
  /** The raw query string without `?`, redacted. */
  query: string;
  requestHeaders: HeaderMap;
  requestBody: StoredBody;
  /** 0 when no response head was sent. */
  status: number;
  responseHeaders: HeaderMap;
  responseBody: StoredBody;
  timing: ExchangeTiming;
  /** The request bound a session to its identifier. */
  allocated?: boolean;
  /** That session had to be started for it (no ready session). */
  cold?: boolean;
  errorCode?: string;
  outcome: 'completed' | 'aborted';
  /** `websocket` for upgrades: the handshake is recorded, never the frames. */
  upgrade?: string;
  /** The recorded exchange this one replays. */
  replayOf?: string;
  /** Sent by a HAR import. */
  imported?: boolean;
  /** What was redacted, e.g. `header:authorization`, `body:json:access_token`, `jwt`. */
  redactions: string[];
}

/** A list row: the record without headers and bodies. */
export interface RecordSummary {
  id: string;
  seq: number;
  time: string;
  kind: ExchangeKind;
  pool?: string;
  identifier?: string;
  sessionId?: string;
  method: string;
  path: string;
  target?: string;
  query: string;
  status: number;
  totalMs: number;
  waitMs?: number;
  allocated?: boolean;
  cold?: boolean;
  errorCode?: string;
  outcome: 'completed' | 'aborted';
  upgrade?: string;
  replayOf?: string;
  imported?: boolean;
  requestSize: number;
  responseSize: number;
}

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'error';

/** `GET /requests` query parameters (all optional, combined with AND). */
export interface RequestFilter {
  pool?: string;
  identifier?: string;
  sessionId?: string;
  kind?: ExchangeKind;
  /** A class (`2xx`, `error` = no response or an error code) or an exact status. */
  status?: StatusClass | number;
  method?: string;
  /** Case-insensitive text in the path or query. */
  text?: string;
  /** Epoch ms or ISO, inclusive. */
  from?: number;
  to?: number;
  /** Total time at least this many ms. */
  slowMs?: number;
  replayOf?: string;
}

export interface RequestListResponse {
  /** Newest first. */
  items: RecordSummary[];
  /** How many records match the filter in all. */
  total: number;
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextBefore?: number;
}

export interface RecorderState {
  enabled: boolean;
  records: number;
  bytes: number;
  oldest?: string;
  newest?: string;
  limits: { bodyCapBytes: number; maxRecords: number; maxBytes: number; maxAgeMs: number };
}

/**
 * Replay target and edits. The identifier is `identifier` when given, else the original's (`same`) or a
 * fresh one (`new`). Header edits are a merge patch: `null` removes a header.
 */
export interface ReplayOptions {
  target?: 'same' | 'new';
  identifier?: string;
  /** Another pool of this emulator. */
  pool?: string;
  method?: string;
  /** Path under the pool endpoint, starting with '/'. */
  path?: string;
  /** Raw query without '?'; the identifier parameter is then set as above. */
  query?: string;
  headers?: Record<string, string | null>;
  body?: string;
  bodyEncoding?: 'utf8' | 'base64';
}

export interface ReplayResult {
  original?: string;
  /** The recorded replay (absent when it could not be sent). */
  replay?: ExchangeRecord;
  comparison?: Comparison;
  /** Why it was not sent, or things to know (redacted fields sent as `[REDACTED]` …). */
  error?: string;
  warnings: string[];
}

export interface ReplayBatchRequest {
  ids: string[];
  target?: 'same' | 'new';
  identifier?: string;
  stopOnError?: boolean;
}

export interface ReplayBatchResponse {
  results: ReplayResult[];
}

export interface ImportRequest {
  /** A HAR 1.2 document (`{log:{entries:[…]}}`). */
  har: unknown;
  target?: 'same' | 'new';
  identifier?: string;
  /** Replay into this pool instead of the one named in each URL. */
  pool?: string;
  stopOnError?: boolean;
}

export interface HeaderChange {
  name: string;
  a?: string;
  b?: string;
  /** Expected to differ between two runs (date, request id, session id …). */
  volatile: boolean;
}

export interface Comparison {
  a: string;
  b: string;
  status: { a: number; b: number; equal: boolean };
  headers: { equal: boolean; changes: HeaderChange[] };
  body: {
    equal: boolean;
    /** Unified diff of the two bodies (JSON bodies pretty-printed first). */
    patch: string;
    /** Lines added/removed. */
    added: number;
    removed: number;
    /** Either body is only partly stored, so equality covers the stored part only. */
    partial: boolean;
  };
}

export type ExportFormat = 'curl' | 'http' | 'har';
