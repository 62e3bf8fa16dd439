import { mkdir, open, readdir, readFile, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { summarize } from './record.js';
import type { ExchangeRecord, RecordSummary } from './types.js';

export interface StoreLimits {
  maxRecords: number;
  maxBytes: number;
  maxAgeMs: number;
}

export interface IndexEntry {
  summary: RecordSummary;
  /** Epoch ms of the request. */
  time: number;
  segment: number;
  offset: number;
  length: number;
}

interface Segment {
  n: number;
  data: FileHandle;
  index: FileHandle;
  size: number;
  count: number;
}

const SEGMENT = /^seg-(\d{6})\.jsonl$/;
const name = (n: number): string => `seg-${String(n).padStart(6, '0')}`;

/**
 * An append-only store of exchange records in numbered segments: `seg-N.jsonl` holds one record per
 * line; `seg-N.idx.jsonl` one summary with the record's offset and length, so opening the store reads
 * the small index files only.
 *
 * Invariants:
 *  - A record's data line is written before its index line, and an index line pointing beyond the end
 *    of its data file (a crash between the two writes) is ignored: an entry always reads back whole.
 *  - Writes are serialized on one promise chain; a batch is one write per file.
 *  - Bounds drop the oldest records first, from the in-memory index at once and from disk a segment at a
 *    time (when none of its records is live), so the disk holds at most maxBytes plus one segment.
 *  - Sequence numbers are never reused in a data folder, not even after a clear and a restart (`meta.json`).
 */
export class SegmentStore {
  private entries: IndexEntry[] = [];
  private readonly byId = new Map<string, IndexEntry>();
  private readonly live = new Map<number, number>();
  private liveBytes = 0;
  private active?: Segment;
  private lastSegment = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly segmentBytes: number;
  private readonly segmentRecords: number;
  nextSeq = 1;

  constructor(
    private readonly dir: string,
    private readonly limits: StoreLimits,
    private readonly now: () => number,
  ) {
    this.segmentBytes = Math.min(16 * 1024 * 1024, Math.max(256 * 1024, Math.floor(limits.maxBytes / 8)));
    this.segmentRecords = Math.max(64, Math.ceil(limits.maxRecords / 8));
  }

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const numbers = (await readdir(this.dir))
      .map((file) => SEGMENT.exec(file)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const n of numbers) await this.loadSegment(n);
    this.lastSegment = numbers.at(-1) ?? 0;
    this.entries.sort((a, b) => a.summary.seq - b.summary.seq);
    const meta = await this.readMeta();
    this.nextSeq = Math.max(meta, (this.entries.at(-1)?.summary.seq ?? 0) + 1);
    await this.prune();
  }

  private async loadSegment(n: number): Promise<void> {
    const base = join(this.dir, name(n));
    const size = await stat(`${base}.jsonl`).then((s) => s.size, () => 0);
    const text = await readFile(`${base}.idx.jsonl`, 'utf8').catch(() => '');
    this.live.set(n, 0);
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const parsed = JSON.parse(line) as { o: number; l: number; t: number; s: RecordSummary };
        if (parsed.o + parsed.l > size) continue;
        this.add({ summary: parsed.s, time: parsed.t, segment: n, offset: parsed.o, length: parsed.l });
      } catch {
        // A torn last line: the record it described is not indexed.
      }
    }
  }

  private add(entry: IndexEntry): void {
    this.entries.push(entry);
    this.byId.set(entry.summary.id, entry);
    this.live.set(entry.segment, (this.live.get(entry.segment) ?? 0) + 1);
    this.liveBytes += entry.length;
  }

  private async readMeta(): Promise<number> {
    try {
      const meta = JSON.parse(await readFile(join(this.dir, 'meta.json'), 'utf8')) as { nextSeq?: unknown };
      return typeof meta.nextSeq === 'number' ? meta.nextSeq : 1;
    } catch {
      return 1;
    }
  }

  /** Takes the next sequence number (records are numbered when built, written later in order). */
  takeSeq(): number {
    return this.nextSeq++;
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Writes the records in order; resolves with their summaries (as listed) once they are stored. */
  append(records: ExchangeRecord[]): Promise<RecordSummary[]> {
    if (records.length === 0) return Promise.resolve([]);
    return this.serial(async () => {
      const summaries: RecordSummary[] = [];
      let rest = records;
      // A batch may fill a segment: it then goes on in the next one, so a segment never grows past its size by more than one record.
      while (rest.length > 0) rest = await this.writeSome(rest, summaries);
      await this.pruneNow();
      return summaries;
    });
  }

  /** Writes records into the writable segment until it is full; returns those that did not fit. */
  private async writeSome(records: ExchangeRecord[], summaries: RecordSummary[]): Promise<ExchangeRecord[]> {
    const segment = await this.writable();
    // Each line encoded once, to the buffer that is written (measuring, joining and writing strings cost three passes).
    const data: Buffer[] = [];
    const index: string[] = [];
    const added: IndexEntry[] = [];
    let offset = segment.size;
    let taken = 0;
    for (const record of records) {
      if (taken > 0 && (offset >= this.segmentBytes || segment.count + taken >= this.segmentRecords)) break;
      const line = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
      const length = line.length;
      const entry = { summary: summarize(record), time: Date.parse(record.time), segment: segment.n, offset, length };
      data.push(line);
      index.push(JSON.stringify({ o: entry.offset, l: entry.length, t: entry.time, s: entry.summary }) + '\n');
      added.push(entry);
      summaries.push(entry.summary);
      offset += length;
      taken++;
    }
    await segment.data.writev(data);
    await segment.index.write(index.join(''));
    segment.size = offset;
    segment.count += taken;
    for (const entry of added) this.add(entry);
    return records.slice(taken);
  }

  private async writable(): Promise<Segment> {
    const current = this.active;
    if (current && current.size < this.segmentBytes && current.count < this.segmentRecords) return current;
    if (current) await this.closeActive();
    const n = ++this.lastSegment;
    const base = join(this.dir, name(n));
    const data = await open(`${base}.jsonl`, 'a', 0o600);
    const index = await open(`${base}.idx.jsonl`, 'a', 0o600);
    this.live.set(n, this.live.get(n) ?? 0);
    this.active = { n, data, index, size: 0, count: 0 };
    return this.active;
  }

  private async closeActive(): Promise<void> {
    const current = this.active;
    this.active = undefined;
    if (current) await Promise.all([current.data.close(), current.index.close()]);
  }

  /** Applies the bounds (age too, which changes with time alone). */
  prune(): Promise<void> {
    return this.serial(() => this.pruneNow());
  }

  private async pruneNow(): Promise<void> {
    const oldest = this.now() - this.limits.maxAgeMs;
    let drop = 0;
    while (drop < this.entries.length) {
      const entry = this.entries[drop];
      if (!entry) break;
      const over = this.entries.length - drop > this.limits.maxRecords || this.liveBytes > this.limits.maxBytes || entry.time < oldest;
      if (!over) break;
      this.liveBytes -= entry.length;
      this.byId.delete(entry.summary.id);
      this.live.set(entry.segment, (this.live.get(entry.segment) ?? 1) - 1);
      drop++;
    }
    if (drop > 0) this.entries = this.entries.slice(drop);
    for (const [n, count] of this.live) {
      if (count > 0 || n === this.active?.n) continue;
      this.live.delete(n);
      await this.removeSegment(n);
    }
  }

  private async removeSegment(n: number): Promise<void> {
    const base = join(this.dir, name(n));
    await Promise.all([rm(`${base}.jsonl`, { force: true }), rm(`${base}.idx.jsonl`, { force: true })]);
  }

  /** Oldest first. The array is replaced, never mutated, when records are dropped. */
  list(): readonly IndexEntry[] {
    return this.entries;
  }

  async get(id: string): Promise<ExchangeRecord | undefined> {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    let handle: FileHandle | undefined;
    try {
      handle = await open(join(this.dir, `${name(entry.segment)}.jsonl`), 'r');
      const buffer = Buffer.alloc(entry.length);
      await handle.read(buffer, 0, entry.length, entry.offset);
      return JSON.parse(buffer.toString('utf8')) as ExchangeRecord;
    } catch {
      // Dropped or cleared between the lookup and the read.
      return undefined;
    } finally {
      await handle?.close();
    }
  }

  stats(): { records: number; bytes: number; oldest?: string; newest?: string } {
    return {
      records: this.entries.length,
      bytes: this.liveBytes,
      oldest: this.entries[0]?.summary.time,
      newest: this.entries.at(-1)?.summary.time,
    };
  }

  clear(): Promise<void> {
    return this.serial(async () => {
      await this.closeActive();
      this.entries = [];
      this.byId.clear();
      this.live.clear();
      this.liveBytes = 0;
      // Every segment on disk, indexed or not: a clear must leave no recorded byte behind.
      const files = (await readdir(this.dir)).filter((file) => /^seg-\d{6}\.(?:idx\.)?jsonl$/.test(file));
      await Promise.all(files.map((file) => rm(join(this.dir, file), { force: true })));
      await writeFile(join(this.dir, 'meta.json'), JSON.stringify({ nextSeq: this.nextSeq }) + '\n', { mode: 0o600 });
    });
  }

  close(): Promise<void> {
    return this.serial(async () => {
      await this.closeActive();
      await writeFile(join(this.dir, 'meta.json'), JSON.stringify({ nextSeq: this.nextSeq }) + '\n', { mode: 0o600 });
    });
  }
}
