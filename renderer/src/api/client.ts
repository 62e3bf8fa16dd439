import {
  API_PATH,
  TOKEN_HEADER,
  routes,
  type AdminErrorBody,
  type EventBatch,
  type IdentityInfo,
  type IssueTokenResponse,
  type LogsQueryErrorBody,
  type LogsQueryResponse,
  type PoolDetail,
  type PoolSummary,
  type SendRequest,
  type SendResponse,
  type SessionsResponse,
  type StatusResponse,
} from './contract.js';
import { openEventStream, type StreamState } from './event-stream.js';
import { failure, ok, type ApiResult } from './result.js';

/**
 * The one typed client of the admin API. Stores depend on this interface only, so tests hand them a
 * fake. Methods for features that arrive later (requests, logs) call their routes anyway: the server
 * answers `FeatureNotAvailable` with what brings them, and the view says so.
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
  stopSession: (pool: string, identifier: string) => Promise<ApiResult<void>>;
  send: (pool: string, request: SendRequest) => Promise<ApiResult<SendResponse>>;
  identity: () => Promise<ApiResult<IdentityInfo>>;
  issueToken: (audience: string) => Promise<ApiResult<IssueTokenResponse>>;
  /** Recorded exchanges — arrives with request recording. */
  listRequests: () => Promise<ApiResult<unknown[]>>;
  /** KQL over console logs and platform events (`FeatureNotAvailable` until log capture is mounted). */
  queryLogs: (query: string) => Promise<ApiResult<LogsQueryResponse>>;
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

export function createHttpClient(options: HttpClientOptions): AdminClient {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = options.origin.replace(/\/$/, '') + API_PATH;
  const auth: Record<string, string> = options.token ? { [TOKEN_HEADER]: options.token } : {};

  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResult<T>> {
    let response: Response;
    try {
      response = await doFetch(base + path, {
        method,
        headers: {
          accept: 'application/json',
          ...auth,
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      return failure({
        status: 0,
        code: 'NetworkError',
        message: `The emulator did not answer (${error instanceof Error ? error.message : String(error)}).`,
      });
    }
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

  return {
    status: () => call('GET', routes.status()),
    listPools: () => call('GET', routes.pools()),
    getPool: (name) => call('GET', routes.pool(name)),
    putPool: (name, definition, { createOnly }) =>
      call('PUT', routes.pool(name), { definition }, createOnly ? { 'if-none-match': '*' } : {}),
    deletePool: (name) => call('DELETE', routes.pool(name)),
    listSessions: (pool) => call('GET', routes.sessions(pool)),
    stopSession: (pool, identifier) => call('POST', routes.stopSession(pool), { identifier }),
    send: (pool, request) => call('POST', routes.send(pool), request),
    identity: () => call('GET', routes.identity()),
    issueToken: (audience) => call('POST', routes.identityToken(), { audience }),
    listRequests: () => call('GET', routes.requests()),
    queryLogs: (query) => call('POST', routes.logsQuery(), { query }),
    subscribe: (onBatch, onState) =>
      openEventStream({ url: base + routes.events(), headers: auth, fetch: doFetch, onBatch, onState }),
  };
}

function toFailure(status: number, body: unknown): { status: number; code: string; message: string } {
  const error = (body as Partial<AdminErrorBody> | Partial<LogsQueryErrorBody> | undefined)?.error;
  if (error && 'innererror' in error) {
    // A KQL error: Log Analytics' shape, with where the problem is.
    const inner = error.innererror;
    return {
      status,
      code: inner.code,
      message: `${inner.message} (line ${inner.line}, column ${inner.column})`,
    };
  }
  if (error && typeof error.code === 'string' && typeof error.message === 'string')
    return { status, ...error };
  return { status, code: `Http${status}`, message: `The emulator answered ${status}.` };
}
