import { createTestingPinia } from '@pinia/testing';
import { setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestListQuery, RequestListResponse } from '../api/contract.js';
import { ok, type ApiResult } from '../api/result.js';
import { installFakes, recordSummary } from '../testing/fake-client.js';
import { MAX_ITEMS, useRequestsStore } from './requests.js';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 1, 12, 1, 0) });
  setActivePinia(createTestingPinia({ stubActions: false, createSpy: vi.fn }));
});
afterEach(() => vi.useRealTimers());

const page = (seqs: number[], total = seqs.length, nextBefore?: number): RequestListResponse => ({
  items: seqs.map((s) => recordSummary(s)),
  total,
  ...(nextBefore === undefined ? {} : { nextBefore }),
});

describe('requests store', () => {
  it('loads a filtered page, then the older one on demand', async () => {
    const { client } = installFakes({
      listRequests: vi.fn(async (query?: RequestListQuery) =>
        ok(query?.before ? page([1], 3) : page([3, 2], 3, 2)),
      ),
    });
    const requests = useRequestsStore();
    requests.setFilters({ pool: 'p1', status: '2xx' });
    await requests.load();
    expect(client.listRequests).toHaveBeenCalledWith({ pool: 'p1', status: '2xx', limit: 500 });
    expect(requests.items.map((i) => i.seq)).toEqual([3, 2]);
    await requests.loadMore();
    expect(client.listRequests).toHaveBeenLastCalledWith({
      pool: 'p1',
      status: '2xx',
      limit: 500,
      before: 2,
    });
    expect(requests.items.map((i) => i.seq)).toEqual([3, 2, 1]);
    expect(requests.nextBefore).toBeUndefined();
  });

  it('adds matching live summaries at the top, once, including those that arrive during a load', async () => {
    let answer: ((value: ApiResult<RequestListResponse>) => void) | undefined;
    installFakes({
      listRequests: vi.fn(() => new Promise<ApiResult<RequestListResponse>>((resolve) => (answer = resolve))),
    });
    const requests = useRequestsStore();
    requests.setFilters({ identifier: 'user-0001' });
    const loading = requests.load();
    // Arrives while the list is being read: 2 is in the answer, 3 is not.
    requests.onLive({ requests: [recordSummary(2), recordSummary(3)] });
    answer?.(ok(page([2, 1])));
    await loading;
    expect(requests.items.map((i) => i.seq)).toEqual([3, 2, 1]);
    requests.onLive({
      requests: [recordSummary(3), recordSummary(4), recordSummary(5, { identifier: 'someone-else' })],
    });
    expect(requests.items.map((i) => i.seq)).toEqual([4, 3, 2, 1]);
    expect(requests.total).toBe(4);
  });

  it('reloads once per burst when the stream skipped summaries, and keeps at most MAX_ITEMS', async () => {
    const { client } = installFakes({ listRequests: vi.fn(async () => ok(page([2, 1]))) });
    const requests = useRequestsStore();
    await requests.load();
    vi.mocked(client.listRequests).mockClear();
    requests.onLive({ requestsSkipped: 700 });
    requests.onLive({ requestsSkipped: 300 });
    await vi.advanceTimersByTimeAsync(600);
    expect(client.listRequests).toHaveBeenCalledTimes(1);
    const flood = Array.from({ length: MAX_ITEMS + 10 }, (_, i) => recordSummary(i + 3));
    requests.onLive({ requests: flood });
    expect(requests.items).toHaveLength(MAX_ITEMS);
    expect(requests.items[0]?.seq).toBe(MAX_ITEMS + 12);
    expect(requests.nextBefore).toBe(requests.items.at(-1)?.seq);
  });

  it('exports through the platform and imports a picked HAR file', async () => {
    const har = { log: { version: '1.2', entries: [{}, {}] } };
    const { client, platform } = installFakes({
      exportRequests: vi.fn(async () => ok('curl …')),
      importHar: vi.fn(async () => ok({ results: [{ warnings: [], error: 'bad entry' }] })),
    });
    const saved: string[] = [];
    platform.saveText = async (name, content) => void saved.push(`${name}:${content}`);
    platform.openText = async () => ({ fileName: 'x.har', content: JSON.stringify(har) });
    const requests = useRequestsStore();
    requests.setFilters({ pool: 'p1' });
    expect(await requests.exportAs('curl')).toBe(true);
    expect(client.exportRequests).toHaveBeenCalledWith('curl', { query: { pool: 'p1' } });
    expect(saved).toEqual(['sessionite-requests.sh:curl …']);

    await requests.pickHar();
    expect(requests.pendingImport).toMatchObject({ fileName: 'x.har', entries: 2 });
    await requests.runImport({ target: 'new' });
    expect(client.importHar).toHaveBeenCalledWith({ target: 'new', har });
    expect(requests.importOutcome?.results[0]?.error).toBe('bad entry');

    platform.openText = async () => ({ fileName: 'y.har', content: 'not json' });
    await requests.pickHar();
    expect(requests.importError?.message).toContain('y.har is not JSON');
  });
});
