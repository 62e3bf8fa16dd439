import { vi } from 'vitest';
import type { AdminClient, TailHandlers } from '../api/client.js';
import type {
  EventBatch,
  ExchangeRecord,
  PoolSummary,
  RecordSummary,
  SessionRow,
  TailBatch,
} from '../api/contract.js';
import type { StreamState } from '../api/event-stream.js';
import { ok, type ApiResult } from '../api/result.js';
import type { Platform } from '../platform/platform.js';
import { installServices } from '../services.js';

/** A fake admin client for store and component specs; every method is a spy with a harmless default. */
export interface FakeClient extends AdminClient {
  /** Delivers a batch to the subscriber, as the event stream would. */
  emit(batch: EventBatch): void;
  state(state: StreamState): void;
  /** Delivers a batch to the open log tail, as its stream would. */
  tail(batch: TailBatch): void;
}

export function fakeClient(overrides: Partial<AdminClient> = {}): FakeClient {
  let onBatch: ((batch: EventBatch) => void) | undefined;
  let onState: ((state: StreamState) => void) | undefined;
  let tailHandlers: TailHandlers | undefined;
  const notAvailable = (arrivesWith: string) =>
    vi.fn(async () => ({
      ok: false as const,
      error: { status: 501, code: 'FeatureNotAvailable', message: 'later', arrivesWith },
    }));
  const notFaked = () =>
    vi.fn(async () => ({
      ok: false as const,
      error: { status: 500, code: 'InternalError', message: 'not faked' },
    }));
  const empty = <T>(value: T) => vi.fn(async (): Promise<ApiResult<T>> => ok(value));
  const client = {
    status: vi.fn(async () => ({
      ok: false as const,
      error: { status: 0, code: 'NetworkError', message: 'not faked' },
    })),
    listPools: empty<PoolSummary[]>([]),
    getPool: vi.fn(async () => ({
      ok: false as const,
      error: { status: 404, code: 'PoolNotFound', message: 'no pool' },
    })),
    putPool: vi.fn(async () => ({
      ok: false as const,
      error: { status: 500, code: 'InternalError', message: 'not faked' },
    })),
    deletePool: empty<void>(undefined),
    listSessions: vi.fn(async (pool: string) =>
      ok({ pool, sessions: [] as SessionRow[], now: new Date(0).toISOString() }),
    ),
    sessionStats: vi.fn(async (pool: string) => ok({ pool, stats: {}, intervalMs: 5000, problem: '' })),
    stopSession: empty<void>(undefined),
    send: vi.fn(async () => ({
      ok: false as const,
      error: { status: 500, code: 'InternalError', message: 'not faked' },
    })),
    identity: vi.fn(async () => ({
      ok: false as const,
      error: { status: 501, code: 'FeatureNotAvailable', message: 'later', arrivesWith: 'identity' },
    })),
    issueToken: vi.fn(async () => ({
      ok: false as const,
      error: { status: 500, code: 'InternalError', message: 'not faked' },
    })),
    listRequests: notAvailable('request recording'),
    getRequest: notAvailable('request recording'),
    replayRequest: notAvailable('request recording'),
    compareRequests: notAvailable('request recording'),
    exportRequests: notAvailable('request recording'),
    importHar: notAvailable('request recording'),
    recorderState: notAvailable('request recording'),
    setRecording: notAvailable('request recording'),
    clearRequests: notFaked(),
    queryLogs: notAvailable('log capture'),
    logsStats: notAvailable('log capture'),
    tailLogs: vi.fn((_filter, handlers: TailHandlers) => {
      tailHandlers = handlers;
      handlers.onState('open');
      return () => {
        handlers.onState('closed');
        if (tailHandlers === handlers) tailHandlers = undefined;
      };
    }),
    subscribe: vi.fn((batch: (b: EventBatch) => void, state: (s: StreamState) => void) => {
      onBatch = batch;
      onState = state;
      return () => undefined;
    }),
    ...overrides,
    emit: (batch: EventBatch) => onBatch?.(batch),
    state: (state: StreamState) => onState?.(state),
    tail: (batch: TailBatch) => tailHandlers?.onBatch(batch),
  };
  return client;
}

export function fakePlatform(): Platform & { copied: string[] } {
  const copied: string[] = [];
  return {
    kind: 'browser',
    copied,
    adminEndpoint: async () => ({ origin: 'http://127.0.0.1:1' }),
    copyText: async (text) => void copied.push(text),
    openExternal: async () => undefined,
    saveText: async () => undefined,
    openText: async () => undefined,
  };
}

export function installFakes(overrides: Partial<AdminClient> = {}): {
  client: FakeClient;
  platform: ReturnType<typeof fakePlatform>;
} {
  const client = fakeClient(overrides);
  const platform = fakePlatform();
  installServices({ client, platform });
  return { client, platform };
}

export function poolSummary(name: string, overrides: Partial<PoolSummary> = {}): PoolSummary {
  return {
    name,
    state: 'ready',
    problem: '',
    generation: 1,
    image: 'img:1',
    counts: { ready: 1, starting: 0, allocated: 0, max: 10, readyTarget: 1 },
    lifecycle: { type: 'Timed', cooldownSeconds: 300 },
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    resourceGroup: 'sessionite',
    endpoint: `http://127.0.0.1:1/subscriptions/0/resourceGroups/sessionite/sessionPools/${name}`,
    ...overrides,
  };
}

export function recordSummary(seq: number, overrides: Partial<RecordSummary> = {}): RecordSummary {
  return {
    id: String(seq),
    seq,
    time: new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + seq * 1000).toISOString(),
    kind: 'data',
    pool: 'p1',
    identifier: 'user-0001',
    sessionId: 'abc',
    method: 'GET',
    path: '/subscriptions/0/resourceGroups/rg/sessionPools/p1/run',
    target: '/run',
    query: 'identifier=user-0001',
    status: 200,
    totalMs: 12,
    outcome: 'completed',
    requestSize: 0,
    responseSize: 20,
    ...overrides,
  };
}

export function exchangeRecord(seq: number, overrides: Partial<ExchangeRecord> = {}): ExchangeRecord {
  const summary = recordSummary(seq);
  return {
    id: summary.id,
    seq,
    time: summary.time,
    kind: 'data',
    pool: 'p1',
    identifier: 'user-0001',
    sessionId: 'abc',
    method: 'POST',
    scheme: 'http',
    host: '127.0.0.1:1',
    path: summary.path,
    target: '/run',
    query: summary.query,
    requestHeaders: { 'content-type': 'application/json', 'x-trace': 't1' },
    requestBody: { size: 13, encoding: 'utf8', data: '{"code":"1+1"}', truncated: false },
    status: 200,
    responseHeaders: { 'content-type': 'application/json', date: 'Thu, 01 Jan 2026 12:00:00 GMT' },
    responseBody: { size: 20, encoding: 'utf8', data: '{"result":2,"ok":true}', truncated: false },
    timing: { waitMs: 40, connectMs: 2, ttfbMs: 10, headersMs: 53, totalMs: 60 },
    allocated: true,
    cold: true,
    outcome: 'completed',
    redactions: [],
    ...overrides,
  };
}
