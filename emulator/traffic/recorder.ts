import { randomBytes } from 'node:crypto';
import { captureLimit } from './body.js';
import { buildRecord } from './record.js';
import { SegmentStore, type StoreLimits } from './store.js';
import { createTap, type CapturedExchange, type ReplayLink } from './tap.js';
import type { ExchangeRecord, RecordSummary, RecorderState } from './types.js';

export interface RecorderOptions extends StoreLimits {
  dir: string;
  bodyCapBytes: number;
  enabled: boolean;
  now: () => number;
  log: (line: string) => void;
}

/** Records built per tick: bounds how long one batch of redaction holds the event loop. */
const BATCH = 128;
/** Captured exchanges wait this long to be written together: one write per file per window under load. */
const WINDOW_MS = 20;
const PRUNE_EVERY_MS = 60_000;

interface ReplayWaiter {
  link: ReplayLink;
  claimed: boolean;
  resolve(record: ExchangeRecord): void;
}

/**
 * Between the tap and the store. The tap only hands over references; redaction, encoding and the
 * write happen here, in batches on a later tick, so recording adds no work to the request itself.
 */
export class Recorder {
  readonly store: SegmentStore;
  readonly tap: ReturnType<typeof createTap>;
  enabled: boolean;
  private pending: CapturedExchange[] = [];
  private timer?: NodeJS.Timeout;
  private lastWrite: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(summary: RecordSummary) => void>();
  private readonly replays = new Map<string, ReplayWaiter>();
  private pruneTimer?: NodeJS.Timeout;
  /** After stop: exchanges still finishing while the servers close are not recorded. */
  private closed = false;

  constructor(private readonly options: RecorderOptions) {
    this.enabled = options.enabled;
    this.store = new SegmentStore(options.dir, options, () => options.now());
    this.tap = createTap({
      captureLimit: captureLimit(options.bodyCapBytes),
      now: () => options.now(),
      enabled: () => this.enabled,
      claimReplay: (nonce) => this.claimReplay(nonce),
      sink: (exchange) => this.accept(exchange),
    });
  }

  async start(): Promise<void> {
    await this.store.open();
    this.pruneTimer = setInterval(() => {
      this.store.prune().catch((error: unknown) => this.options.log(`warning: pruning recorded requests failed: ${String(error)}`));
    }, PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.flushed();
    this.closed = true;
    await this.store.close();
  }

  accept(exchange: CapturedExchange): void {
    if (this.closed) return;
    this.pending.push(exchange);
    this.schedule(this.pending.length >= BATCH ? 0 : WINDOW_MS);
  }

  private schedule(delay: number): void {
    if (this.timer && delay > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), delay);
    this.timer.unref();
  }

  private drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, BATCH);
    if (this.pending.length > 0) this.schedule(0);
    if (batch.length === 0) return this.lastWrite;
    const records: { record: ExchangeRecord; nonce?: string }[] = [];
    for (const exchange of batch) {
      try {
        records.push({ record: buildRecord(exchange, this.store.takeSeq(), this.options.bodyCapBytes), nonce: exchange.replay?.nonce });
      } catch (error) {
        this.options.log(`warning: an exchange could not be recorded: ${String(error)}`);
      }
    }
    const write = this.store.append(records.map((r) => r.record)).then(
      (summaries) => this.announce(records, summaries),
      (error: unknown) => this.options.log(`warning: recorded requests could not be written: ${String(error)}`),
    );
    this.lastWrite = write;
    return write;
  }

  private announce(records: { record: ExchangeRecord; nonce?: string }[], summaries: RecordSummary[]): void {
    records.forEach(({ record, nonce }, i) => {
      const waiter = nonce === undefined ? undefined : this.replays.get(nonce);
      if (nonce !== undefined && waiter) {
        this.replays.delete(nonce);
        waiter.resolve(record);
      }
      const summary = summaries[i];
      if (!summary) return;
      for (const listener of this.listeners) {
        try {
          listener(summary);
        } catch {
          // A faulty listener must not stop the recorder.
        }
      }
    });
  }

  /** Resolves once everything captured so far is written and visible. */
  async flushed(): Promise<void> {
    while (this.pending.length > 0) await this.drain();
    await this.lastWrite;
  }

  /** A one-time nonce for a replay the recorder itself sends; `record` resolves when it is stored. */
  expectReplay(link: Omit<ReplayLink, 'nonce'>): { nonce: string; record: Promise<ExchangeRecord>; cancel(): void } {
    const nonce = randomBytes(18).toString('base64url');
    const record = new Promise<ExchangeRecord>((resolve) => {
      this.replays.set(nonce, { link: { ...link, nonce }, claimed: false, resolve });
    });
    return { nonce, record, cancel: () => this.replays.delete(nonce) };
  }

  private claimReplay(nonce: string): ReplayLink | undefined {
    const waiter = this.replays.get(nonce);
    if (!waiter || waiter.claimed) return undefined;
    waiter.claimed = true;
    return waiter.link;
  }

  onRecord(listener: (summary: RecordSummary) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async clear(): Promise<void> {
    this.pending = [];
    await this.lastWrite;
    await this.store.clear();
  }

  state(): RecorderState {
    return {
      enabled: this.enabled,
      ...this.store.stats(),
      limits: {
        bodyCapBytes: this.options.bodyCapBytes,
        maxRecords: this.options.maxRecords,
        maxBytes: this.options.maxBytes,
        maxAgeMs: this.options.maxAgeMs,
      },
    };
  }
}
