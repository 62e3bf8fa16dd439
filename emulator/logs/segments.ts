import { appendFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The durable side of the log store: append-only segment files `seg-<id>.ndjson` in
 * `<dataDir>/logs/`, each line one JSON array tagged by its first element:
 *
 *   ["x", local, containerId, pool, identifier, containerName, image, resourceId]  context
 *   ["a", containerId, identifier]                          identifier assigned to a context
 *   ["c", time, local, stream, level, text]                 console record (codes, see console-table)
 *   ["l", row] / ["p", row]                                 lifecycle / pool-event record
 *   ["k", containerId, timestamp, atTimestamp]              capture cursor (see cursor.ts)
 *
 * Invariants: a segment defines every context it references before using it (so a segment read
 * alone is complete, and dropping the oldest never orphans a later one); lines are only appended;
 * a torn last line (a crash mid-write) is skipped on load. Writes go through one promise chain, so
 * appends, rolls and deletions reach the disk in the order they were made.
 */
export interface SegmentInfo {
  id: number;
  bytes: number;
  /** Newest record time in the segment (for age retention); -Infinity while empty. */
  maxTime: number;
}

export type SegmentLine = unknown[];

const NAME = /^seg-(\d{9})\.ndjson$/;

export class SegmentFiles {
  readonly segments: SegmentInfo[] = [];
  private parts: string[] = [];
  private partsSegment = 0;
  /** Bytes appended but not yet handed to the disk. */
  pendingBytes = 0;
  /** Bytes handed off but not yet on disk (a slow disk makes this grow; the store sheds load on it). */
  unflushed = 0;
  private io: Promise<void> = Promise.resolve();
  private localIds = new Map<number, number>();

  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void,
  ) {}

  private path(id: number): string {
    return join(this.dir, `seg-${String(id).padStart(9, '0')}.ndjson`);
  }

  get current(): SegmentInfo {
    return this.segments[this.segments.length - 1] as SegmentInfo;
  }

  get totalBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  /** Reads every segment in order; `onLine` gets each parsed line and returns the record's time, if any. */
  async load(
    onLine: (segment: number, line: SegmentLine) => number | undefined,
  ): Promise<{ skipped: number }> {
    await mkdir(this.dir, { recursive: true });
    const ids = (await readdir(this.dir))
      .map((name) => NAME.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    let skipped = 0;
    for (const id of ids) {
      const text = await readFile(this.path(id), 'utf8');
      const info: SegmentInfo = { id, bytes: (await stat(this.path(id))).size, maxTime: -Infinity };
      this.segments.push(info);
      for (const raw of text.split('\n')) {
        if (raw === '') continue;
        try {
          const time = onLine(id, JSON.parse(raw) as SegmentLine);
          if (time !== undefined && time > info.maxTime) info.maxTime = time;
        } catch {
          skipped++;
        }
      }
    }
    // New records always go to a fresh segment: a reloaded one may end in a torn line.
    this.startSegment((ids.at(-1) ?? 0) + 1);
    return { skipped };
  }

  private startSegment(id: number): void {
    this.segments.push({ id, bytes: 0, maxTime: -Infinity });
    this.localIds = new Map();
  }

  /** The segment-local number of a context, or undefined when this segment has not defined it yet. */
  localId(contextId: number): number | undefined {
    return this.localIds.get(contextId);
  }

  defineLocal(contextId: number): number {
    const local = this.localIds.size;
    this.localIds.set(contextId, local);
    return local;
  }

  append(line: SegmentLine, time?: number): void {
    this.appendText(JSON.stringify(line) + '\n', time);
  }

  /**
   * Appends one encoded line (ending in '\n'). Sizes are counted in UTF-16 units here (exact for
   * ASCII) and corrected to bytes when the batch is handed to the disk, once per flush.
   */
  appendText(text: string, time?: number): void {
    const current = this.current;
    if (this.partsSegment !== current.id) this.handOff();
    this.partsSegment = current.id;
    this.parts.push(text);
    current.bytes += text.length;
    this.pendingBytes += text.length;
    if (time !== undefined && time > current.maxTime) current.maxTime = time;
  }

  /** Closes the current segment; later appends go to a new one. */
  roll(): void {
    this.handOff();
    this.startSegment(this.current.id + 1);
  }

  /** Hands what was appended to the disk (in order); resolves when it is written. */
  flush(): Promise<void> {
    this.handOff();
    return this.io;
  }

  private handOff(): void {
    if (this.parts.length === 0) return;
    const data = this.parts.join('');
    const file = this.path(this.partsSegment);
    const bytes = Buffer.byteLength(data);
    const segment = this.segments.find((s) => s.id === this.partsSegment);
    if (segment) segment.bytes += bytes - data.length;
    this.parts = [];
    this.pendingBytes = 0;
    this.enqueue(`write ${file}`, () => appendFile(file, data));
    this.unflushed += bytes;
    void this.io.then(() => (this.unflushed -= bytes));
  }

  /** Deletes the oldest segment (never the current one); returns it. */
  dropOldest(): SegmentInfo | undefined {
    if (this.segments.length < 2) return undefined;
    const oldest = this.segments.shift() as SegmentInfo;
    this.enqueue(`remove ${this.path(oldest.id)}`, () => rm(this.path(oldest.id), { force: true }));
    return oldest;
  }

  private enqueue(what: string, op: () => Promise<void>): void {
    this.io = this.io
      .then(op)
      .catch((error: unknown) => this.warn(`log store: could not ${what}: ${String(error)}`));
  }
}
