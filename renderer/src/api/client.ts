import {
  API_PATH,
  TOKEN_HEADER,
  routes,
  type AdminErrorBody,
  type Comparison,
  type EventBatch,
  type ExchangeRecord,
  type ExportFormat,
  type IdentityInfo,
  type ImportRequest,
  type IssueTokenResponse,
  type LogsQueryErrorBody,
  type LogsQueryResponse,
  type LogsStats,
  type PoolDetail,
  type PoolSummary,
  type RecorderState,
  type ReplayBatchResponse,
  type ReplayOptions,
  type ReplayResult,
  type RequestListQuery,
  type RequestListResponse,
  type SendRequest,
  type SendResponse,
  type SessionStatsResponse,
  type SessionsResponse,
  type StatusResponse,
  type TailBatch,
  type TailFilter,
} from './contract.js';
import { openEventStream, openSse, type StreamState } from './event-stream.js';
import { failure, ok, type ApiFailure, type ApiResult } from './result.js';

/** Which recorded exchanges an export covers: these ids, or every one matching the list filters. */
export type ExportSelection = { ids: string[] } | { query: RequestListQuery };

export interface TailHandlers {
  onBatch(batch: TailBatch): void;
  onState(state: StreamState, detail?: string): void;
  /** The server refused the filter (400): shown, not retried. */
  onError(error: ApiFailure): void;
}

/**
 * The one typed client of the admin API. Stores depend on this interface only, so tests hand them a
 * fake. Methods of features that are not mounted call their routes anyway: the server answers
 * `FeatureNotAvailable` with what brings them, and the view says so.
 */
export interface AdminClient {
  status: () => Promise<ApiResult<StatusResponse>>;
  listPools: () => Promise<ApiResult<PoolSummary[]>>;
  getPool: (name: string) => Promise<ApiResult<PoolDetail>>;
  putPool: (
    name: string,
    definition: unknown,
    options: { createOnly: boolean },
  ) => Promise<ApiResult<PoolDetail>>;
  deletePool: (name: string) => Promise<ApiResult<void>>;
  listSessions: (pool: string) => Promise<ApiResult<SessionsResponse>>;
  sessionStats: (pool: string) => Promise<ApiResult<SessionStatsResponse>>;
  stopSession: (pool: string, identifier: string) => Promise<ApiResult<void>>;
  send: (pool: string, request: SendRequest) => Promise<ApiResult<SendResponse>>;
  identity: () => Promise<ApiResult<IdentityInfo>>;
  issueToken: (audience: string) => Promise<ApiResult<IssueTokenResponse>>;
  /** Recorded exchanges, newest first (`FeatureNotAvailable` until request recording is mounted). */
  listRequests: (query?: RequestListQuery) => Promise<ApiResult<RequestListResponse>>;
  getRequest: (id: string) => Promise<ApiResult<ExchangeRecord>>;
  replayRequest: (id: string, options: ReplayOptions) => Promise<ApiResult<ReplayResult>>;
  compareRequests: (a: string, b: string) => Promise<ApiResult<Comparison>>;
  /** The file's text (curl script, `.http` file or HAR document). */
  exportRequests: (format: ExportFormat, selection: ExportSelection) => Promise<ApiResult<string>>;
  importHar: (request: ImportRequest) => Promise<ApiResult<ReplayBatchResponse>>;
  recorderState: () => Promise<ApiResult<RecorderState>>;
  setRecording: (enabled: boolean) => Promise<ApiResult<RecorderState>>;
  clearRequests: () => Promise<ApiResult<RecorderState>>;
  /** KQL over console logs and platform events (`FeatureNotAvailable` until log capture is mounted). */
  queryLogs: (query: string) => Promise<ApiResult<LogsQueryResponse>>;
  logsStats: () => Promise<ApiResult<LogsStats>>;
  /** The live tail of console records; reconnects resume after the last record seen. */
  tailLogs: (filter: TailFilter, handlers: TailHandlers) => () => void;
  subscribe: (
    onBatch: (batch: EventBatch) => void,
    onState: (state: StreamState, detail?: string) => void,
  ) => () => void;
}

export interface HttpClientOptions {
  /** The emulator's origin (`http://127.0.0.1:8080`); the API lives under `/_sessionite/api`. */
  origin: string;
  token?: string;
  fetch?: typeof fetch;
}

/** Query parameters from an object; empty and undefined values are left out. */
export function queryString(params: object): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params) as [string, unknown][]) {
    if (typeof value === 'string' && value !== '') search.set(name, value);
    else if (typeof value === 'number' || typeof value === 'boolean') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export function createHttpClient(options: HttpClientOptions): AdminClient {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = options.origin.replace(/\/$/, '') + API_PATH;
  const auth: Record<string, string> = options.token ? { [TOKEN_HEADER]: options.token } : {};

  async function request(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    accept: string,
  ): Promise<Response | ApiFailure> {
    try {
      return await doFetch(base + path, {
        method,
        headers: {
          accept,
          ...auth,
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      return {
        status: 0,
        code: 'NetworkError',
        message: `The emulator did not answer (${error instanceof Error ? error.message : String(error)}).`,
      };
    }
  }

  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResult<T>> {
    const response = await request(method, path, body, headers, 'application/json');
    if (!(response instanceof Response)) return failure(response);
    if (response.status === 204) return ok(undefined as T);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      return failure({
        status: response.status,
        code: 'InvalidResponse',
        message: `Unexpected answer (${response.status}): ${text.slice(0, 200)}`,
      });
    }
    if (response.ok) return ok(parsed as T);
    return failure(toFailure(response.status, parsed));
  }

  /** A route that answers a file: its text, or the JSON error. */
  async function callText(path: string): Promise<ApiResult<string>> {
    const response = await request('GET', path, undefined, {}, '*/*');
    if (!(response instanceof Response)) return failure(response);
    const text = await response.text();
    if (response.ok) return ok(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return failure(toFailure(response.status, parsed));
  }

  return {
    status: () => call('GET', routes.status()),
    listPools: () => call('GET', routes.pools()),
    getPool: (name) => call('GET', routes.pool(name)),
    putPool: (name, definition, { createOnly }) =>
      call('PUT', routes.pool(name), { definition }, createOnly ? { 'if-none-match': '*' } : {}),
    deletePool: (name) => call('DELETE', routes.pool(name)),
    listSessions: (pool) => call('GET', routes.sessions(pool)),
    sessionStats: (pool) => call('GET', routes.sessionStats(pool)),
    stopSession: (pool, identifier) => call('POST', routes.stopSession(pool), { identifier }),
    send: (pool, request) => call('POST', routes.send(pool), request),
    identity: () => call('GET', routes.identity()),
    issueToken: (audience) => call('POST', routes.identityToken(), { audience }),
    listRequests: (query = {}) => call('GET', routes.requests() + queryString(query)),
    getRequest: (id) => call('GET', routes.request(id)),
    replayRequest: (id, replay) => call('POST', routes.requestReplay(id), replay),
    compareRequests: (a, b) => call('GET', routes.requestCompare(a, b)),
    exportRequests: (format, selection) =>
      callText(
        routes.requestsExport() +
          queryString(
            'ids' in selection ? { format, ids: selection.ids.join(',') } : { ...selection.query, format },
          ),
      ),
    importHar: (request) => call('POST', routes.requestsImport(), request),
    recorderState: () => call('GET', routes.requestsState()),
    setRecording: (enabled) => call('POST', enabled ? routes.requestsResume() : routes.requestsPause()),
    clearRequests: () => call('DELETE', routes.requests()),
    queryLogs: (query) => call('POST', routes.logsQuery(), { query }),
    logsStats: () => call('GET', routes.logsStats()),
    tailLogs: (filter, handlers) => {
      let after = filter.after;
      return openSse<TailBatch>({
        url: () => base + routes.logsTail() + queryString({ ...filter, after }),
        headers: auth,
        fetch: doFetch,
        onMessage: (batch) => {
          const last = batch.records.at(-1);
          if (last) after = last.seq;
          handlers.onBatch(batch);
        },
        onState: (state, detail) => handlers.onState(state, detail),
        onRejected: (status, body) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(body);
          } catch {
            parsed = undefined;
          }
          handlers.onError(toFailure(status, parsed));
        },
      });
    },
    subscribe: (onBatch, onState) =>
      openEventStream({ url: base + routes.events(), headers: auth, fetch: doFetch, onBatch, onState }),
  };
}

function toFailure(status: number, body: unknown): ApiFailure {
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error === 'string') {
    // A replay that could not be sent answers its `ReplayResult`, whose `error` says why.
    return { status, code: 'ReplayFailed', message: error };
  }
  const shaped = error as Partial<AdminErrorBody['error']> | LogsQueryErrorBody['error'] | undefined;
  if (shaped && 'innererror' in shaped) {
    // A KQL error: Log Analytics' shape, with where the problem is.
    const inner = shaped.innererror;
    return {
      status,
      code: inner.code,
      message: `${inner.message} (line ${inner.line}, column ${inner.column})`,
    };
  }
  if (shaped && typeof shaped.code === 'string' && typeof shaped.message === 'string')
    return { status, ...shaped, code: shaped.code, message: shaped.message };
  return { status, code: `Http${status}`, message: `The emulator answered ${status}.` };
}
