import { LOG_LEVELS, type LogLevel, type LogStream } from './contract.js';
import type { LogContext } from './contexts.js';
import type { PushRows, Row, ScanHints } from './kql/index.js';

export const STREAMS: readonly LogStream[] = ['stdout', 'stderr', 'system'];
const STREAM_CODE = new Map(STREAMS.map((s, i) => [s, i]));
const LEVEL_CODE = new Map<string, number>(LOG_LEVELS.map((l, i) => [l, i]));

export function streamCode(stream: LogStream): number {
  return STREAM_CODE.get(stream) ?? 0;
}

export function levelCode(level: LogLevel): number {
  return LEVEL_CODE.get(level) ?? 1;
}

const CHUNK_ROWS = 8192;

/**
 * A fixed-size block of console records in columns: times in a Float64Array, context/stream/level
 * as small integers, the text as strings. A chunk belongs to exactly one segment file, so retention
 * drops whole chunks; its time range and context set let scans skip it without reading rows.
 */
export class ConsoleChunk {
  readonly time = new Float64Array(CHUNK_ROWS);
  readonly ctx = new Int32Array(CHUNK_ROWS);
  readonly stream = new Uint8Array(CHUNK_ROWS);
  readonly level = new Uint8Array(CHUNK_ROWS);
  readonly text: string[] = [];
  readonly contexts = new Set<number>();
  length = 0;
  minTime = Infinity;
  maxTime = -Infinity;

  constructor(
    readonly segment: number,
    /** seq of row 0; seqs are consecutive across chunks. */
    readonly firstSeq: number,
  ) {}

  get full(): boolean {
    return this.length === CHUNK_ROWS;
  }
}

/**
 * A console record read in place: KQL accessors read `row[column]`, which these getters answer
 * from the chunk's columns. Creating one costs one small object, never a copy of the record.
 */
class ConsoleRowView {
  constructor(
    private readonly c: ConsoleChunk,
    private readonly i: number,
    private readonly x: LogContext,
  ) {}
  get TimeGenerated(): number {
    return this.c.time[this.i] as number;
  }
  get SessionPoolName_s(): string {
    return this.x.pool;
  }
  get SessionId_s(): string {
    return this.x.identifier;
  }
  get ContainerId_s(): string {
    return this.x.containerId;
  }
  get ContainerName_s(): string {
    return this.x.containerName;
  }
  get ContainerImage_s(): string {
    return this.x.image;
  }
  get Stream_s(): string {
    return STREAMS[this.c.stream[this.i] as number] as string;
  }
  get Level_s(): string {
    return LOG_LEVELS[this.c.level[this.i] as number] as string;
  }
  get Log_s(): string {
    return this.c.text[this.i] as string;
  }
  get _ResourceId(): string {
    return this.x.resourceId;
  }
}

/** A console record with plain fields, for the tail and for writing segments. */
export interface ConsoleRecord {
  seq: number;
  time: number;
  context: LogContext;
  stream: LogStream;
  level: LogLevel;
  text: string;
}

/** Per-row filters derived from scan hints; `undefined` members do not filter. */
interface RowFilter {
  from: number;
  to: number;
  mask: Uint8Array | undefined;
  stream: number | undefined;
  level: number | undefined;
  text: string | undefined;
}

function chunkMayMatch(chunk: ConsoleChunk, filter: RowFilter): boolean {
  if (chunk.maxTime < filter.from || chunk.minTime > filter.to) return false;
  if (!filter.mask) return true;
  for (const c of chunk.contexts) if (filter.mask[c] === 1) return true;
  return false;
}

/** Whether row `i` passes the filter; integer compares only, except an exact-text hint. */
function passes(chunk: ConsoleChunk, i: number, filter: RowFilter): boolean {
  const t = chunk.time[i] as number;
  if (t < filter.from || t > filter.to) return false;
  if (filter.mask && filter.mask[chunk.ctx[i] as number] !== 1) return false;
  if (filter.stream !== undefined && chunk.stream[i] !== filter.stream) return false;
  if (filter.level !== undefined && chunk.level[i] !== filter.level) return false;
  return filter.text === undefined || chunk.text[i] === filter.text;
}

/**
 * Row views of the chunks' rows that pass the filter, push-style (`forEachRow`, what the KQL
 * executor uses) or as an iterator.
 */
function scanChunks(
  chunks: readonly ConsoleChunk[],
  filter: RowFilter,
  contexts: readonly LogContext[],
): PushRows {
  const view = (chunk: ConsoleChunk, i: number): Row =>
    new ConsoleRowView(chunk, i, contexts[chunk.ctx[i] as number] as LogContext) as unknown as Row;
  return {
    forEachRow(push) {
      for (const chunk of chunks) {
        if (!chunkMayMatch(chunk, filter)) continue;
        for (let i = 0; i < chunk.length; i++) if (passes(chunk, i, filter) && !push(view(chunk, i))) return;
      }
    },
    *[Symbol.iterator]() {
      for (const chunk of chunks) {
        if (!chunkMayMatch(chunk, filter)) continue;
        for (let i = 0; i < chunk.length; i++) if (passes(chunk, i, filter)) yield view(chunk, i);
      }
    },
  };
}

/** The console table: chunks in store (= arrival) order, oldest first. */
export class ConsoleTable {
  private chunks: ConsoleChunk[] = [];
  private nextSeq = 1;
  count = 0;

  constructor(private readonly contexts: readonly LogContext[]) {}

  append(
    segment: number,
    time: number,
    context: LogContext,
    stream: LogStream,
    level: LogLevel,
    text: string,
  ): number {
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || chunk.full || chunk.segment !== segment) {
      chunk = new ConsoleChunk(segment, this.nextSeq);
      this.chunks.push(chunk);
    }
    const i = chunk.length++;
    chunk.time[i] = time;
    chunk.ctx[i] = context.id;
    chunk.stream[i] = streamCode(stream);
    chunk.level[i] = levelCode(level);
    chunk.text.push(text);
    chunk.contexts.add(context.id);
    if (time < chunk.minTime) chunk.minTime = time;
    if (time > chunk.maxTime) chunk.maxTime = time;
    this.count++;
    return this.nextSeq++;
  }

  /** Removes the chunks of segments up to and including `segment` (they are the oldest). */
  dropThrough(segment: number): number {
    let dropped = 0;
    while (this.chunks.length > 0 && (this.chunks[0] as ConsoleChunk).segment <= segment) {
      dropped += (this.chunks.shift() as ConsoleChunk).length;
    }
    this.count -= dropped;
    return dropped;
  }

  get oldestTime(): number | undefined {
    return this.chunks[0]?.minTime;
  }

  /** Rows in store order; hints skip chunks and rows that cannot match (a superset is returned). */
  scan(hints: ScanHints | undefined, mask: Uint8Array | undefined): Iterable<Row> {
    const filter = this.filterOf(hints, mask);
    if (!filter) return [];
    return scanChunks(this.chunks.slice(), filter, this.contexts);
  }

  private filterOf(hints: ScanHints | undefined, mask: Uint8Array | undefined): RowFilter | undefined {
    const stream = hints?.equals.get('Stream_s');
    const level = hints?.equals.get('Level_s');
    const streamValue = stream === undefined ? undefined : STREAM_CODE.get(stream as LogStream);
    const levelValue = level === undefined ? undefined : LEVEL_CODE.get(level);
    // A value no record can have: nothing matches.
    if (
      (stream !== undefined && streamValue === undefined) ||
      (level !== undefined && levelValue === undefined)
    ) {
      return undefined;
    }
    return {
      from: hints?.timeFrom ?? -Infinity,
      to: hints?.timeTo ?? Infinity,
      mask,
      stream: streamValue,
      level: levelValue,
      text: hints?.equals.get('Log_s'),
    };
  }

  /**
   * Records matching `accept`, newest last: those with seq > `after` when given (a reconnect),
   * otherwise the newest `limit`. Walks backwards so a short tail of a big store is cheap.
   */
  recent(accept: (record: ConsoleRecord) => boolean, limit: number, after?: number): ConsoleRecord[] {
    const found: ConsoleRecord[] = [];
    for (let k = this.chunks.length - 1; k >= 0 && found.length < limit; k--) {
      const chunk = this.chunks[k] as ConsoleChunk;
      if (after !== undefined && chunk.firstSeq + chunk.length - 1 <= after) break;
      for (let i = chunk.length - 1; i >= 0 && found.length < limit; i--) {
        if (after !== undefined && chunk.firstSeq + i <= after) break;
        const record = this.recordAt(chunk, i);
        if (accept(record)) found.push(record);
      }
    }
    return found.reverse();
  }

  private recordAt(chunk: ConsoleChunk, i: number): ConsoleRecord {
    return {
      seq: chunk.firstSeq + i,
      time: chunk.time[i] as number,
      context: this.contexts[chunk.ctx[i] as number] as LogContext,
      stream: STREAMS[chunk.stream[i] as number] as LogStream,
      level: LOG_LEVELS[chunk.level[i] as number] as LogLevel,
      text: chunk.text[i] as string,
    };
  }
}
