import type { ContainerLogEntry, ContainerRuntime } from '../runtime/types.js';
import type { LogLevel, LogStream } from './contract.js';
import type { LogContext } from './contexts.js';
import { CursorTracker, START_CURSOR, TimestampParser, type CaptureCursor } from './cursor.js';
import { inferLevel } from './level.js';
import { LineAssembler, type AssembledLine } from './line-assembler.js';
import { TokenBucket } from './token-bucket.js';

/** The part of the log store capture writes to. */
export interface CaptureStore {
  appendConsole(context: LogContext, time: number, stream: LogStream, level: LogLevel, text: string): number;
  appendSystem(context: LogContext | undefined, level: LogLevel, text: string): void;
  cursor(containerId: string): CaptureCursor | undefined;
  setCursor(containerId: string, cursor: CaptureCursor): void;
  /** The container is gone for good: its cursor is no longer needed. */
  forgetCursor(containerId: string): void;
  accepting(): boolean;
  droppedByCapture: number;
}

export interface CaptureOptions {
  runtime: Pick<ContainerRuntime, 'logs' | 'isRunning'>;
  store: CaptureStore;
  /** Sustained lines per second one container may write before lines are dropped. Default 20,000. */
  linesPerSecond?: number;
  /** Lines one container may write at once above the rate. Default 250,000. */
  burstLines?: number;
  /** The same for all containers together. Defaults 200,000/s and 500,000. */
  totalLinesPerSecond?: number;
  totalBurstLines?: number;
  /** First delay before re-attaching a broken reader; doubles up to 5 s. Default 250 ms. */
  retryMs?: number;
}

/**
 * Follows session containers' output into the store. Invariants:
 *  - complete: a reader starts from the container's first entry (or the stored cursor) and, when
 *    the stream ends, a final non-following read since the cursor collects whatever the stream
 *    missed before exit; a broken stream of a running container is resumed from the cursor;
 *  - no duplicates: the cursor (last engine timestamp + entries taken at it) filters resumed reads;
 *  - ordered: one reader per container appends its entries in the engine's order;
 *  - never slows the data plane: nothing queues here — entries are processed per chunk as they
 *    arrive (the engine's json-file holds any backlog) — and token buckets per container and in
 *    total cap the work; lines over them are dropped, counted, and reported in a `system` record.
 */
export class LogCapture {
  private readonly followers = new Map<string, Follower>();
  readonly total: TokenBucket;

  constructor(private readonly options: CaptureOptions) {
    this.total = new TokenBucket(options.totalLinesPerSecond ?? 200_000, options.totalBurstLines ?? 500_000);
  }

  /** Starts following a container (once; a second call for the same container is ignored). */
  follow(containerId: string, context: LogContext): void {
    if (this.followers.get(containerId)?.running) return;
    const follower = new Follower(containerId, context, this.options, this.total);
    this.followers.set(containerId, follower);
    void follower.run().finally(() => {
      if (this.followers.get(containerId) === follower) this.followers.delete(containerId);
    });
  }

  isFollowing(containerId: string): boolean {
    return this.followers.has(containerId);
  }

  /** Resolves with the lines the container's reader stored once it has finished (0 when there is none). */
  async finished(containerId: string): Promise<number> {
    const follower = this.followers.get(containerId);
    if (!follower) return 0;
    await follower.done;
    return follower.stored;
  }

  /** Stops every reader; what was read so far is in the store. */
  async stop(): Promise<void> {
    const followers = [...this.followers.values()];
    for (const follower of followers) follower.abort();
    await Promise.all(followers.map((f) => f.done));
  }
}

class Follower {
  running = true;
  /** Lines stored so far (drop notes not counted). */
  stored = 0;
  readonly done: Promise<void>;
  private resolveDone: () => void = () => undefined;
  private readonly controller = new AbortController();
  private readonly tracker: CursorTracker;
  private readonly time = new TimestampParser();
  private readonly assemblers = { stdout: new LineAssembler(), stderr: new LineAssembler() };
  private readonly bucket: TokenBucket;
  private readonly lines: AssembledLine[] = [];
  private dropped = 0;
  private dropReason = '';
  private dropSince = 0;

  constructor(
    private readonly id: string,
    private readonly context: LogContext,
    private readonly options: CaptureOptions,
    private readonly total: TokenBucket,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.tracker = new CursorTracker(options.store.cursor(id) ?? START_CURSOR);
    this.bucket = new TokenBucket(options.linesPerSecond ?? 20_000, options.burstLines ?? 250_000);
  }

  abort(): void {
    this.controller.abort();
  }

  async run(): Promise<void> {
    const signal = this.controller.signal;
    const first = this.options.retryMs ?? 250;
    let delay = first;
    try {
      while (!signal.aborted) {
        const broke = await this.read(true);
        if (signal.aborted) break;
        if (!broke) delay = first;
        const running = await this.options.runtime.isRunning(this.id).catch(() => undefined);
        if (running === false) {
          // The stream ended with the container: one last read picks up anything it had not sent.
          await this.read(false);
          this.options.store.forgetCursor(this.id);
          break;
        }
        // Still running (the stream broke) or the engine is unreachable: resume from the cursor.
        await sleep(delay, signal);
        delay = Math.min(delay * 2, 5_000);
      }
    } finally {
      this.finish();
    }
  }

  /** One attachment; resolves true when the stream failed rather than ended. */
  private async read(follow: boolean): Promise<boolean> {
    this.tracker.begin();
    const since = this.tracker.cursor.timestamp || undefined;
    try {
      for await (const batch of this.options.runtime.logs(this.id, {
        follow,
        since,
        signal: this.controller.signal,
      })) {
        this.ingest(batch);
      }
      return false;
    } catch {
      return true;
    }
  }

  private ingest(batch: ContainerLogEntry[]): void {
    this.bucket.refill();
    this.total.refill();
    const lines = this.lines;
    for (const entry of batch) {
      if (!this.tracker.take(entry.timestamp)) continue;
      const parsed = entry.timestamp ? this.time.ms(entry.timestamp) : NaN;
      lines.length = 0;
      this.assemblers[entry.stream].push(entry.data, Number.isNaN(parsed) ? Date.now() : parsed, lines);
      for (const line of lines) this.accept(entry.stream, line);
    }
    this.options.store.setCursor(this.id, this.tracker.cursor);
  }

  private accept(stream: 'stdout' | 'stderr', line: AssembledLine): void {
    const store = this.options.store;
    const reason = !this.bucket.take()
      ? `the container wrote more than ${this.bucket.rate} lines/s`
      : !this.total.take()
        ? `all sessions together wrote more than ${this.total.rate} lines/s`
        : !store.accepting()
          ? 'the disk could not keep up'
          : undefined;
    if (reason !== undefined) {
      if (this.dropped === 0) {
        this.dropReason = reason;
        this.dropSince = Date.now();
      }
      this.dropped++;
      store.droppedByCapture++;
      // A long flood still reports once a second, not only when it ends.
      if (Date.now() - this.dropSince >= 1000) this.reportDrops();
      return;
    }
    if (this.dropped > 0) this.reportDrops();
    store.appendConsole(this.context, line.time, stream, inferLevel(line.text, stream), line.text);
    this.stored++;
  }

  private reportDrops(): void {
    const n = this.dropped;
    this.dropped = 0;
    this.dropSince = Date.now();
    this.options.store.appendSystem(
      this.context,
      'warning',
      `${n} line${n === 1 ? '' : 's'} dropped: ${this.dropReason}.`,
    );
  }

  private finish(): void {
    this.running = false;
    this.lines.length = 0;
    this.assemblers.stdout.end(this.lines);
    for (const line of this.lines.splice(0)) this.accept('stdout', line);
    this.assemblers.stderr.end(this.lines);
    for (const line of this.lines.splice(0)) this.accept('stderr', line);
    if (this.dropped > 0) this.reportDrops();
    this.resolveDone();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
