import { join } from 'node:path';
import { LOG_LEVELS, type LogLevel, type LogsStats, type LogStream } from './contract.js';
import { ConsoleTable, levelCode, streamCode, STREAMS, type ConsoleRecord } from './console-table.js';
import { ContextTable, type ContextFields, type LogContext } from './contexts.js';
import type { CaptureCursor } from './cursor.js';
import { EventTable, type PlatformRow } from './event-table.js';
import {
  CONSOLE_LOGS_TABLE,
  LIFECYCLE_LOGS_TABLE,
  POOL_EVENT_LOGS_TABLE,
  type KqlSource,
  type LifecycleLogRow,
  type PoolEventLogRow,
  type Row,
  type ScanHints,
} from './kql/index.js';
import { resolveRetention, retentionNote, type DropSummary, type RetentionOptions } from './retention.js';
import { SegmentFiles, type SegmentLine } from './segments.js';

export type { RetentionOptions } from './retention.js';

export interface LogStoreOptions {
  /** The data folder; segments live in `<dataDir>/logs/`. */
  dataDir: string;
  retention?: Partial<RetentionOptions>;
  /** How often appended records are written to disk. Default 100 ms. */
  flushMs?: number;
  /** Appends are refused (capture counts them as dropped) while this many bytes wait for the disk. Default 64 MiB. */
  maxPendingBytes?: number;
  now?: () => number;
  warn?: (message: string) => void;
}

/** Sessionite's own notes (retention) belong to no container. */
const SYSTEM_CONTEXT: ContextFields = {
  containerId: '',
  pool: '',
  identifier: '',
  containerName: '',
  image: '',
  resourceId: '',
};

/**
 * The log store: the three tables in memory (columnar console records, plain platform rows), made
 * durable by append-only segment files, bounded by size and age. Everything is synchronous in
 * memory — an append is visible to the next query at once — and disk writes are batched every
 * `flushMs`. Queries see the store through `source()` (the KQL engine's `KqlSource`).
 */
export class LogStore {
  readonly contexts = new ContextTable();
  readonly console = new ConsoleTable(this.contexts.all);
  readonly lifecycle = new EventTable();
  readonly poolEvents = new EventTable();
  readonly retention: RetentionOptions;
  private readonly files: SegmentFiles;
  private readonly cursors = new Map<string, CaptureCursor>();
  private readonly dirtyCursors = new Set<string>();
  private readonly listeners = new Set<(record: ConsoleRecord) => void>();
  private readonly now: () => number;
  private readonly warn: (message: string) => void;
  private flushTimer?: NodeJS.Timeout;
  private retentionTimer?: NodeJS.Timeout;
  private opened = false;
  droppedByRetention = 0;
  droppedByCapture = 0;

  constructor(private readonly options: LogStoreOptions) {
    this.retention = resolveRetention(options.retention);
    this.now = options.now ?? Date.now;
    this.warn = options.warn ?? (() => undefined);
    this.files = new SegmentFiles(join(options.dataDir, 'logs'), this.warn);
  }

  /** Loads the segments on disk (once), applies retention, and starts the flush and retention timers. */
  async open(): Promise<void> {
    if (!this.opened) {
      const loader = new SegmentLoader(this);
      const { skipped } = await this.files.load((segment, line) => loader.apply(segment, line));
      if (skipped > 0) this.warn(`log store: skipped ${skipped} unreadable line(s) (an interrupted write)`);
      this.opened = true;
    }
    this.enforceRetention();
    clearInterval(this.flushTimer);
    clearInterval(this.retentionTimer);
    this.flushTimer = setInterval(() => void this.flush(), this.options.flushMs ?? 100);
    this.flushTimer.unref();
    this.retentionTimer = setInterval(() => this.enforceRetention(), 60_000);
    this.retentionTimer.unref();
  }

  /** Writes what is pending and stops the timers; the store stays readable. */
  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.retentionTimer);
    await this.flush();
  }

  flush(): Promise<void> {
    for (const containerId of this.dirtyCursors) {
      const cursor = this.cursors.get(containerId) as CaptureCursor;
      this.files.append(['k', containerId, cursor.timestamp, cursor.atTimestamp]);
    }
    this.dirtyCursors.clear();
    return this.files.flush();
  }

  /** False while the disk lags too far behind; callers drop (and count) instead of queueing. */
  accepting(): boolean {
    return (
      this.files.pendingBytes + this.files.unflushed < (this.options.maxPendingBytes ?? 64 * 1024 * 1024)
    );
  }

  context(fields: ContextFields): LogContext {
    return this.contexts.ensure(fields);
  }

  /** Binds a container's records (past and future) to a session identifier. */
  assignIdentifier(containerId: string, identifier: string): void {
    const context = this.contexts.get(containerId);
    if (!context || context.identifier === identifier) return;
    context.identifier = identifier;
    this.files.append(['a', containerId, identifier]);
  }

  cursor(containerId: string): CaptureCursor | undefined {
    return this.cursors.get(containerId);
  }

  /** Remembers how far capture read a container; persisted with the next flush. */
  setCursor(containerId: string, cursor: CaptureCursor): void {
    this.cursors.set(containerId, cursor);
    this.dirtyCursors.add(containerId);
  }

  forgetCursor(containerId: string): void {
    this.cursors.delete(containerId);
    this.dirtyCursors.delete(containerId);
  }

  appendConsole(context: LogContext, time: number, stream: LogStream, level: LogLevel, text: string): number {
    this.maybeRoll();
    const segment = this.files.current.id;
    let local = this.files.localId(context.id);
    if (local === undefined) {
      local = this.files.defineLocal(context.id);
      const c = context;
      this.files.append([
        'x',
        local,
        c.containerId,
        c.pool,
        c.identifier,
        c.containerName,
        c.image,
        c.resourceId,
      ]);
    }
    this.files.append(['c', time, local, streamCode(stream), levelCode(level), text], time);
    const seq = this.console.append(segment, time, context, stream, level, text);
    if (this.listeners.size > 0) {
      const record: ConsoleRecord = { seq, time, context, stream, level, text };
      for (const listener of this.listeners) listener(record);
    }
    return seq;
  }

  /** A note from Sessionite itself (stream `system`), e.g. lines dropped or records removed. */
  appendSystem(context: LogContext | undefined, level: LogLevel, text: string): void {
    this.appendConsole(context ?? this.contexts.ensure(SYSTEM_CONTEXT), this.now(), 'system', level, text);
  }

  appendLifecycle(row: LifecycleLogRow): void {
    this.maybeRoll();
    this.files.append(['l', row], row.TimeGenerated);
    this.lifecycle.append(this.files.current.id, row);
  }

  appendPoolEvent(row: PoolEventLogRow): void {
    this.maybeRoll();
    this.files.append(['p', row], row.TimeGenerated);
    this.poolEvents.append(this.files.current.id, row);
  }

  /** Console records as they are appended (the live tail); returns the unsubscribe function. */
  subscribe(listener: (record: ConsoleRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The store as a KQL source. Hints narrow console scans to matching chunks, contexts and codes. */
  source(): KqlSource {
    return {
      now: () => this.now(),
      table: (name: string, hints?: ScanHints): Iterable<Row> | undefined => {
        if (name === CONSOLE_LOGS_TABLE)
          return this.console.scan(hints, this.contexts.mask(hints?.equals ?? new Map()));
        if (name === LIFECYCLE_LOGS_TABLE) return this.lifecycle.scan(hints);
        if (name === POOL_EVENT_LOGS_TABLE) return this.poolEvents.scan(hints);
        return undefined;
      },
    };
  }

  stats(): LogsStats {
    const oldest = Math.min(
      this.console.oldestTime ?? Infinity,
      this.lifecycle.oldestTime ?? Infinity,
      this.poolEvents.oldestTime ?? Infinity,
    );
    const newest = Math.max(...this.files.segments.map((s) => s.maxTime));
    return {
      records: {
        console: this.console.count,
        lifecycle: this.lifecycle.count,
        poolEvents: this.poolEvents.count,
      },
      bytes: this.files.totalBytes,
      segments: this.files.segments.length,
      oldest: Number.isFinite(oldest) ? new Date(oldest).toISOString() : null,
      newest: Number.isFinite(newest) ? new Date(newest).toISOString() : null,
      retention: { maxBytes: this.retention.maxBytes, maxAgeMs: this.retention.maxAgeMs },
      dropped: { retention: this.droppedByRetention, capture: this.droppedByCapture },
    };
  }

  private maybeRoll(): void {
    if (!this.opened || this.files.current.bytes < this.retention.segmentBytes) return;
    this.files.roll();
    this.enforceRetention();
  }

  /**
   * Drops whole segments, oldest first, while the files exceed `maxBytes` or the oldest holds only
   * records older than `maxAgeMs`; then records what was dropped (in the console table, stream
   * `system`). The segment being written is closed first when it alone is too old.
   */
  enforceRetention(): void {
    const { maxBytes, maxAgeMs } = this.retention;
    const cutoff = this.now() - maxAgeMs;
    const current = this.files.current;
    if (current.bytes > 0 && current.maxTime < cutoff) this.files.roll();
    let drop: DropSummary | undefined;
    for (;;) {
      const oldest = this.files.segments[0];
      if (!oldest || this.files.segments.length < 2) break;
      const reason = this.files.totalBytes > maxBytes ? 'size' : oldest.maxTime < cutoff ? 'age' : undefined;
      if (!reason) break;
      this.files.dropOldest();
      drop ??= { console: 0, lifecycle: 0, poolEvents: 0, upTo: -Infinity, reason };
      drop.console += this.console.dropThrough(oldest.id);
      drop.lifecycle += this.lifecycle.dropThrough(oldest.id);
      drop.poolEvents += this.poolEvents.dropThrough(oldest.id);
      drop.upTo = Math.max(drop.upTo, oldest.maxTime);
    }
    const total = drop ? drop.console + drop.lifecycle + drop.poolEvents : 0;
    if (!drop || total === 0) return;
    this.droppedByRetention += total;
    this.appendSystem(undefined, 'warning', retentionNote(drop, this.retention));
  }

  /** Used by the loader only: appends a record read from a segment without writing it again. */
  restoreConsole(
    segment: number,
    time: number,
    context: LogContext,
    stream: number,
    level: number,
    text: string,
  ): void {
    const s = STREAMS[stream] ?? 'stdout';
    const l = LOG_LEVELS[level] ?? 'info';
    this.console.append(segment, time, context, s, l, text);
  }

  restorePlatform(segment: number, kind: 'l' | 'p', row: PlatformRow): void {
    (kind === 'l' ? this.lifecycle : this.poolEvents).append(segment, row);
  }

  restoreCursor(containerId: string, cursor: CaptureCursor): void {
    this.cursors.set(containerId, cursor);
  }
}

/** Replays segment lines into the store's memory (see segments.ts for the line format). */
class SegmentLoader {
  private segment = -1;
  private locals = new Map<number, LogContext>();

  constructor(private readonly store: LogStore) {}

  apply(segment: number, line: SegmentLine): number | undefined {
    if (segment !== this.segment) {
      this.segment = segment;
      this.locals = new Map();
    }
    const [kind] = line;
    if (kind === 'c') {
      const [, time, local, stream, level, text] = line as [string, number, number, number, number, string];
      const context = this.locals.get(local);
      if (context) this.store.restoreConsole(segment, time, context, stream, level, text);
      return time;
    }
    if (kind === 'x') {
      const [, local, containerId, pool, identifier, containerName, image, resourceId] = line as string[];
      this.locals.set(
        Number(local),
        this.store.context({
          containerId: containerId ?? '',
          pool: pool ?? '',
          identifier: identifier ?? '',
          containerName: containerName ?? '',
          image: image ?? '',
          resourceId: resourceId ?? '',
        }),
      );
    } else if (kind === 'a') {
      const context = this.store.contexts.get(String(line[1]));
      if (context) context.identifier = String(line[2]);
    } else if (kind === 'l' || kind === 'p') {
      const row = line[1] as PlatformRow;
      this.store.restorePlatform(segment, kind, row);
      return row.TimeGenerated;
    } else if (kind === 'k') {
      this.store.restoreCursor(String(line[1]), { timestamp: String(line[2]), atTimestamp: Number(line[3]) });
    }
    return undefined;
  }
}
