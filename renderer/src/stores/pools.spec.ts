import { createTestingPinia } from '@pinia/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setActivePinia } from 'pinia';
import { installFakes, poolSummary } from '../testing/fake-client.js';
import { usePoolsStore } from './pools.js';

beforeEach(() => {
  vi.useFakeTimers();
  setActivePinia(createTestingPinia({ stubActions: false, createSpy: vi.fn }));
});
afterEach(() => vi.useRealTimers());

const ev = (type: 'session.allocated' | 'request.completed', time = 0) =>
  type === 'session.allocated'
    ? { type, pool: 'p1', sessionId: 's', identifier: 'i', waitedMs: 1, cold: false, time }
    : { type, pool: 'p1', sessionId: 's', identifier: 'i', method: 'GET', status: 200, totalMs: 5, time };

describe('pools store', () => {
  it('loads the list and keeps the error of a failed refresh beside the last good list', async () => {
    const { client } = installFakes();
    vi.mocked(client.listPools).mockResolvedValueOnce({ ok: true, value: [poolSummary('p1')] });
    const pools = usePoolsStore();
    await pools.hydrate();
    expect(pools.pools.map((p) => p.name)).toEqual(['p1']);
    expect(pools.loaded).toBe(true);
    vi.mocked(client.listPools).mockResolvedValueOnce({
      ok: false,
      error: { status: 0, code: 'NetworkError', message: 'down' },
    });
    await pools.refresh();
    expect(pools.error?.code).toBe('NetworkError');
    expect(pools.pools).toHaveLength(1);
  });

  it('refetches once per burst of session events, and not for request events alone', async () => {
    const { client } = installFakes();
    const pools = usePoolsStore();
    pools.onEvents([ev('request.completed')]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(client.listPools).not.toHaveBeenCalled();
    for (let i = 0; i < 50; i++) pools.onEvents([ev('session.allocated')]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(client.listPools).toHaveBeenCalledTimes(1);
  });

  it('creates with If-None-Match semantics and returns validation issues untouched', async () => {
    const issues = [{ path: 'name', code: 'InvalidResourceName' as const, rule: 'must be 3–32 characters' }];
    const { client } = installFakes({
      putPool: vi.fn(async () => ({
        ok: false as const,
        error: { status: 400, code: 'ValidationFailed', message: '1 problem', issues },
      })),
    });
    const result = await usePoolsStore().save('x', { properties: {} }, 'create');
    expect(client.putPool).toHaveBeenCalledWith('x', { properties: {} }, { createOnly: true });
    expect(result.ok ? [] : result.error.issues).toEqual(issues);
  });

  it('removes a deleted pool from the list at once', async () => {
    const { client } = installFakes();
    vi.mocked(client.listPools).mockResolvedValueOnce({
      ok: true,
      value: [poolSummary('p1'), poolSummary('p2')],
    });
    const pools = usePoolsStore();
    await pools.refresh();
    await pools.remove('p1');
    expect(pools.pools.map((p) => p.name)).toEqual(['p2']);
  });
});
