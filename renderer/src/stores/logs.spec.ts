import { createTestingPinia } from '@pinia/testing';
import { setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TailRecord } from '../api/contract.js';
import { installFakes } from '../testing/fake-client.js';
import { LOG_PRESETS, MAX_TAIL_RECORDS, sessionQuery, useLogsStore } from './logs.js';

beforeEach(() => {
  vi.useFakeTimers();
  setActivePinia(createTestingPinia({ stubActions: false, createSpy: vi.fn }));
});
afterEach(() => vi.useRealTimers());

const line = (seq: number, text = `line ${seq}`): TailRecord => ({
  seq,
  TimeGenerated: new Date(Date.UTC(2026, 0, 1) + seq).toISOString(),
  SessionPoolName_s: 'p1',
  SessionId_s: 'user-0001',
  ContainerId_s: 'c',
  ContainerName_s: 'main',
  Stream_s: 'stdout',
  Level_s: 'info',
  Log_s: text,
});

describe('logs store', () => {
  it("queries the sessions' console table by default", () => {
    installFakes();
    expect(useLogsStore().query).toMatch(/^AppEnvSessionConsoleLogs_CL\n/);
    expect(LOG_PRESETS.some((p) => p.query.includes('ContainerAppConsoleLogs_CL'))).toBe(false);
    expect(sessionQuery('p1', 'a"b\\c')).toContain('SessionId_s == "a\\"b\\\\c"');
  });

  it('tails with the filters, applies batches a few times a second, and resumes after a pause', async () => {
    const { client } = installFakes();
    const logs = useLogsStore();
    logs.tailControls = { ...logs.tailControls, pool: 'p1', level: 'warning' };
    logs.startTail();
    expect(client.tailLogs).toHaveBeenLastCalledWith(
      { pool: 'p1', level: 'warning', tail: 200 },
      expect.anything(),
    );
    for (let i = 1; i <= 50; i++) client.tail({ replay: false, records: [line(i)], skipped: 0 });
    expect(logs.tailRecords).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(250);
    expect(logs.tailRecords).toHaveLength(50);
    client.tail({ replay: false, records: [], skipped: 7 });
    expect(logs.tailSkipped).toBe(7);

    logs.pauseTail();
    expect(logs.tailPaused).toBe(true);
    expect(logs.tailState).toBe('closed');
    logs.startTail(true);
    expect(client.tailLogs).toHaveBeenLastCalledWith(
      { pool: 'p1', level: 'warning', after: 50 },
      expect.anything(),
    );
  });

  it('keeps the newest MAX_TAIL_RECORDS lines', async () => {
    const { client } = installFakes();
    const logs = useLogsStore();
    logs.startTail();
    const records = Array.from({ length: MAX_TAIL_RECORDS + 5 }, (_, i) => line(i + 1));
    client.tail({ replay: true, records, skipped: 0 });
    await vi.advanceTimersByTimeAsync(250);
    expect(logs.tailRecords).toHaveLength(MAX_TAIL_RECORDS);
    expect(logs.tailRecords[0]?.seq).toBe(6);
  });

  it('focuses one session: tail filters and the query', () => {
    installFakes();
    const logs = useLogsStore();
    logs.focusSession('p1', 'user-0001');
    expect(logs.tab).toBe('tail');
    expect(logs.tailControls).toMatchObject({ pool: 'p1', identifier: 'user-0001', level: '' });
    expect(logs.query).toBe(sessionQuery('p1', 'user-0001'));
  });
});
