import { createTestingPinia } from '@pinia/testing';
import { setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionRow } from '../api/contract.js';
import { installFakes } from '../testing/fake-client.js';
import { useClockStore } from './clock.js';
import { useSessionsStore } from './sessions.js';

const row = (identifier: string): SessionRow => ({
  identifier,
  sessionId: `id-${identifier}`,
  state: 'allocated',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastAccessedAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-01T00:05:00.000Z',
  requestCount: 1,
  inflight: 0,
});

beforeEach(() => {
  vi.useFakeTimers();
  setActivePinia(createTestingPinia({ stubActions: false, createSpy: vi.fn }));
});
afterEach(() => vi.useRealTimers());

describe('sessions store', () => {
  it('loads the selected pool and learns the server clock from the answer', async () => {
    const { client } = installFakes({
      listSessions: vi.fn(async (pool: string) => ({
        ok: true as const,
        value: { pool, sessions: [row('a')], now: '2026-01-01T00:01:00.000Z' },
      })),
    });
    const sessions = useSessionsStore();
    await sessions.select('p1');
    expect(client.listSessions).toHaveBeenCalledWith('p1');
    expect(sessions.rows.map((r) => r.identifier)).toEqual(['a']);
    expect(useClockStore().serverNow).toBe(Date.parse('2026-01-01T00:01:00.000Z'));
  });

  it('refetches on events of its own pool only, batched', async () => {
    const { client } = installFakes();
    const sessions = useSessionsStore();
    await sessions.select('p1');
    vi.mocked(client.listSessions).mockClear();
    const event = (pool: string) => ({
      type: 'session.stopped' as const,
      pool,
      sessionId: 's',
      reason: 'api' as const,
      time: 0,
    });
    sessions.onEvents([event('other')]);
    await vi.advanceTimersByTimeAsync(500);
    expect(client.listSessions).not.toHaveBeenCalled();
    sessions.onEvents([event('p1')]);
    sessions.onEvents([event('p1')]);
    await vi.advanceTimersByTimeAsync(500);
    expect(client.listSessions).toHaveBeenCalledTimes(1);
  });

  it('stops a session and shows a failure on its row', async () => {
    const { client } = installFakes({
      listSessions: vi.fn(async (pool: string) => ({
        ok: true as const,
        value: { pool, sessions: [row('a'), row('b')], now: '2026-01-01T00:00:00.000Z' },
      })),
    });
    const sessions = useSessionsStore();
    await sessions.select('p1');
    await sessions.stop('a');
    expect(client.stopSession).toHaveBeenCalledWith('p1', 'a');
    expect(sessions.rows.map((r) => r.identifier)).toEqual(['b']);
    vi.mocked(client.stopSession).mockResolvedValueOnce({
      ok: false,
      error: { status: 404, code: 'SessionNotFound', message: 'gone already' },
    });
    await sessions.stop('b');
    expect(sessions.rowErrors.b).toBe('gone already');
    expect(sessions.stopping.b).toBeUndefined();
  });
});
