import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runKql, type ScanHints } from './kql/index.js';
import { LogStore, type LogStoreOptions } from './store.js';

let dataDir: string;
const stores: LogStore[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sessionite-logs-'));
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function open(options: Partial<LogStoreOptions> = {}): Promise<LogStore> {
  const store = new LogStore({ dataDir, flushMs: 10_000, ...options });
  stores.push(store);
  await store.open();
  return store;
}

function context(store: LogStore, n: number, pool = 'p1') {
  return store.context({
    containerId: `c${n}`,
    pool,
    identifier: '',
    containerName: 'main',
    image: 'img:1',
    resourceId: `/rid/${pool}`,
  });
}

const iso = (ms: number): string => new Date(ms).toISOString();

function rows(store: LogStore, query: string): unknown[][] {
  return runKql(query, store.source()).rows;
}

/** Recent, so the default age limit (7 days) keeps it. */
const T0 = Math.floor(Date.now() / 60_000) * 60_000;

describe('LogStore', () => {
  it('answers KQL over console records with pool, identifier, stream, level and text', async () => {
    const store = await open();
    const a = context(store, 1);
    store.appendConsole(a, T0, 'stdout', 'info', 'hello');
    store.appendConsole(a, T0 + 1, 'stderr', 'error', 'boom');
    store.assignIdentifier('c1', 'user-1');
    expect(
      rows(
        store,
        "AppEnvSessionConsoleLogs_CL | where SessionId_s == 'user-1' | project Log_s, Stream_s, Level_s",
      ),
    ).toEqual([
      ['hello', 'stdout', 'info'],
      ['boom', 'stderr', 'error'],
    ]);
    expect(
      rows(
        store,
        'AppEnvSessionConsoleLogs_CL | project SessionPoolName_s, ContainerId_s, ContainerImage_s, _ResourceId | take 1',
      ),
    ).toEqual([['p1', 'c1', 'img:1', '/rid/p1']]);
  });

  it('uses scan hints to skip records (a superset is still returned)', async () => {
    const store = await open();
    const [a, b] = [context(store, 1, 'p1'), context(store, 2, 'p2')];
    for (let i = 0; i < 20_000; i++)
      store.appendConsole(i % 2 ? a : b, T0 + i, 'stdout', 'info', `line ${i}`);
    const equals = new Map([['SessionPoolName_s', 'p2']]);
    const hints: ScanHints = { timeFrom: T0 + 100, timeTo: T0 + 199, equals };
    const scanned = [...(store.source().table('AppEnvSessionConsoleLogs_CL', hints) ?? [])];
    expect(scanned).toHaveLength(50);
    expect(
      rows(
        store,
        `AppEnvSessionConsoleLogs_CL | where SessionPoolName_s == 'p2' and TimeGenerated between (datetime(${iso(T0 + 100)}) .. datetime(${iso(T0 + 199)})) | count`,
      ),
    ).toEqual([[50]]);
    expect(rows(store, "AppEnvSessionConsoleLogs_CL | where Stream_s == 'nothing' | count")).toEqual([[0]]);
  });

  it('survives a restart: records, contexts and identifiers assigned later are reloaded, nothing twice', async () => {
    const first = await open();
    const a = context(first, 1);
    first.appendConsole(a, T0, 'stdout', 'info', 'before allocation');
    first.assignIdentifier('c1', 'user-1');
    first.appendConsole(a, T0 + 1, 'stdout', 'info', 'after allocation');
    first.appendLifecycle({
      TimeGenerated: T0,
      SessionPoolName: 'p1',
      SessionId: 'user-1',
      OperationName: 'SessionAllocated',
      Log: 'x',
      Level: 'Informational',
      Location: 'local',
      NodeName: 'n',
      PodName: 'pod',
      _ResourceId: '/rid/p1',
    });
    first.setCursor('c1', { timestamp: '2026-01-02T03:00:00.000000001Z', atTimestamp: 2 });
    await first.close();

    const second = await open();
    expect(
      rows(second, "AppEnvSessionConsoleLogs_CL | where SessionId_s == 'user-1' | project Log_s"),
    ).toEqual([['before allocation'], ['after allocation']]);
    expect(rows(second, 'AppEnvSessionLifecycleLogs | project OperationName')).toEqual([
      ['SessionAllocated'],
    ]);
    expect(second.cursor('c1')).toEqual({ timestamp: '2026-01-02T03:00:00.000000001Z', atTimestamp: 2 });
    // New records go to a new segment; a third open still sees each record once.
    second.appendConsole(context(second, 1), T0 + 2, 'stdout', 'info', 'after restart');
    await second.close();
    const third = await open();
    expect(rows(third, 'AppEnvSessionConsoleLogs_CL | count')).toEqual([[3]]);
  });

  it('skips a torn last line left by a crash', async () => {
    const first = await open();
    first.appendConsole(context(first, 1), T0, 'stdout', 'info', 'complete');
    await first.close();
    const [file] = (await readdir(join(dataDir, 'logs'))).sort();
    await writeFile(
      join(dataDir, 'logs', file as string),
      (await readFile(join(dataDir, 'logs', file as string), 'utf8')) + '["c",1,0,0,1,"tor',
    );
    const warnings: string[] = [];
    const second = await open({ warn: (m) => warnings.push(m) });
    expect(rows(second, 'AppEnvSessionConsoleLogs_CL | project Log_s')).toEqual([['complete']]);
    expect(warnings.join()).toMatch(/skipped 1 unreadable line/);
  });

  it('drops the oldest segments beyond the size limit and records the drop', async () => {
    const store = await open({ retention: { maxBytes: 200_000, segmentBytes: 50_000 } });
    const a = context(store, 1);
    for (let i = 0; i < 10_000; i++)
      store.appendConsole(
        a,
        T0 + i,
        'stdout',
        'info',
        `line ${String(i).padStart(5, '0')} ${'.'.repeat(40)}`,
      );
    await store.flush();
    const stats = store.stats();
    expect(stats.bytes).toBeLessThanOrEqual(200_000 + 50_000);
    expect(stats.dropped.retention).toBeGreaterThan(0);
    const [[first]] = rows(
      store,
      "AppEnvSessionConsoleLogs_CL | where Stream_s != 'system' | take 1 | project Log_s",
    ) as [[string]];
    expect(first).not.toMatch(/^line 00000/);
    // The newest record is always kept; the note says what went.
    expect(
      rows(
        store,
        "AppEnvSessionConsoleLogs_CL | where Log_s has 'line' | top 1 by TimeGenerated desc | project Log_s",
      )[0]?.[0],
    ).toMatch(/^line 09999/);
    const notes = rows(
      store,
      "AppEnvSessionConsoleLogs_CL | where Stream_s == 'system' | project Level_s, Log_s",
    );
    expect(notes.length).toBeGreaterThan(0);
    expect(notes[0]).toEqual([
      'warning',
      expect.stringMatching(
        /^Retention removed \d+ records \(\d+ console, 0 lifecycle, 0 pool events\) written up to .*size limit of 195.3 KiB/,
      ),
    ]);
    const files = await readdir(join(dataDir, 'logs'));
    expect(files.length).toBe(stats.segments);
  });

  it('drops records older than the age limit', async () => {
    let now = T0;
    const store = await open({ retention: { maxAgeMs: 60_000 }, now: () => now });
    store.appendConsole(context(store, 1), T0 - 120_000, 'stdout', 'info', 'ancient');
    store.appendConsole(context(store, 1), T0, 'stdout', 'info', 'recent');
    now = T0 + 90_000;
    store.enforceRetention();
    const logs = rows(store, 'AppEnvSessionConsoleLogs_CL | project Log_s').map((r) => r[0]);
    expect(logs).not.toContain('ancient');
    expect(logs).not.toContain('recent');
    expect(logs.join()).toMatch(/Retention removed 2 records .*older than 0.02 hours/);
  });

  it('refuses appends while too much waits for the disk', async () => {
    const store = await open({ maxPendingBytes: 1000 });
    expect(store.accepting()).toBe(true);
    for (let i = 0; i < 50; i++) store.appendConsole(context(store, 1), T0, 'stdout', 'info', 'x'.repeat(40));
    expect(store.accepting()).toBe(false);
    await store.flush();
    expect(store.accepting()).toBe(true);
  });
});
