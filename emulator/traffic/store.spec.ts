import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SegmentStore, type StoreLimits } from './store.js';
import type { ExchangeRecord } from './types.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const LIMITS: StoreLimits = { maxRecords: 1000, maxBytes: 64 * 1024 * 1024, maxAgeMs: 3_600_000 };

function record(seq: number, time = Date.UTC(2026, 0, 1), data = ''): ExchangeRecord {
  const empty = { size: 0, encoding: 'utf8' as const, data: '', truncated: false };
  return {
    id: String(seq),
    seq,
    time: new Date(time).toISOString(),
    kind: 'data',
    method: 'GET',
    scheme: 'http',
    host: 'localhost',
    path: `/p/${seq}`,
    query: '',
    requestHeaders: {},
    requestBody: { ...empty, size: data.length, data },
    status: 200,
    responseHeaders: {},
    responseBody: empty,
    timing: { totalMs: 1 },
    outcome: 'completed',
    redactions: [],
  };
}

async function open(limits = LIMITS, now = () => Date.UTC(2026, 0, 1)): Promise<SegmentStore> {
  dir ??= await mkdtemp(join(tmpdir(), 'sessionite-store-'));
  const store = new SegmentStore(dir, limits, now);
  await store.open();
  return store;
}

describe('segment store', () => {
  it('reads back what it wrote, across a reopen', async () => {
    const store = await open();
    await store.append([record(store.takeSeq()), record(store.takeSeq(), undefined, 'body')]);
    expect((await store.get('2'))?.requestBody.data).toBe('body');
    await store.close();
    const again = await open();
    expect(again.list().map((e) => e.summary.id)).toEqual(['1', '2']);
    expect((await again.get('1'))?.path).toBe('/p/1');
    expect(again.takeSeq()).toBe(3);
    await again.close();
  });

  it('ignores a torn index line and an index entry beyond its data (a crash between writes)', async () => {
    const store = await open();
    await store.append([record(store.takeSeq())]);
    await store.close();
    const index = (await readdir(dir!)).find((f) => f.endsWith('.idx.jsonl'))!;
    await appendFile(join(dir!, index), '{"o":999999,"l":10,"t":0,"s":{"id":"9","seq":9}}\n{"o":1,');
    const again = await open();
    expect(again.list().map((e) => e.summary.id)).toEqual(['1']);
    expect(again.takeSeq()).toBe(2);
    await again.close();
  });

  it('drops the oldest records and deletes segments none of whose records are kept', async () => {
    const store = await open({ ...LIMITS, maxRecords: 70 });
    for (let batch = 0; batch < 4; batch++) await store.append(Array.from({ length: 50 }, () => record(store.takeSeq())));
    expect(store.list().map((e) => e.summary.seq)).toEqual(Array.from({ length: 70 }, (_, i) => 131 + i));
    // 64 records per segment (a batch goes on in the next one): 1–64, 65–128, 129–192, 193–200.
    // Nothing of the first two is kept, so their files are gone.
    const segments = (await readdir(dir!)).filter((f) => f.startsWith('seg-'));
    expect(segments.sort()).toEqual(['seg-000003.idx.jsonl', 'seg-000003.jsonl', 'seg-000004.idx.jsonl', 'seg-000004.jsonl']);
    expect(await store.get('100')).toBeUndefined();
    await store.close();
  });

  it('drops records by age as time passes', async () => {
    let now = Date.UTC(2026, 0, 1);
    const store = await open({ ...LIMITS, maxAgeMs: 1000 }, () => now);
    await store.append([record(store.takeSeq(), now)]);
    now += 500;
    await store.append([record(store.takeSeq(), now)]);
    now += 600;
    await store.prune();
    expect(store.list().map((e) => e.summary.id)).toEqual(['2']);
    await store.close();
  });

  it('keeps numbering after a clear, even across a reopen', async () => {
    const store = await open();
    await store.append([record(store.takeSeq()), record(store.takeSeq())]);
    await store.clear();
    expect(store.stats()).toMatchObject({ records: 0, bytes: 0 });
    await store.close();
    const again = await open();
    expect(again.takeSeq()).toBe(3);
    await again.close();
  });
});
