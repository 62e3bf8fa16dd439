import { vi } from 'vitest';
import type { AdminClient } from '../api/client.js';
import type { EventBatch, PoolSummary, SessionRow } from '../api/contract.js';
import type { StreamState } from '../api/event-stream.js';
import { ok, type ApiResult } from '../api/result.js';
import type { Platform } from '../platform/platform.js';
import { installServices } from '../services.js';

/** A fake admin client for store and component specs; every method is a spy with a harmless default. */
export interface FakeClient extends AdminClient {
  /** Delivers a batch to the subscriber, as the event stream would. */
  emit(batch: EventBatch): void;
  state(state: StreamState): void;
}

export function fakeClient(overrides: Partial<AdminClient> = {}): FakeClient {
  let onBatch: ((batch: EventBatch) => void) | undefined;
  let onState: ((state: StreamState) => void) | undefined;
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
    listRequests: vi.fn(async () => ({
      ok: false as const,
      error: { status: 501, code: 'FeatureNotAvailable', message: 'later', arrivesWith: 'request recording' },
    })),
    queryLogs: vi.fn(async () => ({
      ok: false as const,
      error: { status: 501, code: 'FeatureNotAvailable', message: 'later', arrivesWith: 'log capture' },
    })),
    subscribe: vi.fn((batch: (b: EventBatch) => void, state: (s: StreamState) => void) => {
      onBatch = batch;
      onState = state;
      return () => undefined;
    }),
    ...overrides,
    emit: (batch: EventBatch) => onBatch?.(batch),
    state: (state: StreamState) => onState?.(state),
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
