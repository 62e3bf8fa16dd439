import type { Response } from 'express';
import type { EventStream, TimedEvent } from '../events.js';
import type { EventBatch, RecordSummary, SequencedEvent } from './contract.js';

export interface EventFeedOptions {
  /** How long events stay available for replay to new connections. */
  keepMs?: number;
  /** At most this many events are kept (oldest dropped first). */
  maxKept?: number;
  /** Batching window: one message per client per window. */
  flushMs?: number;
  heartbeatMs?: number;
  /** Recorded-exchange summaries per message; more in one window are counted, not sent. */
  maxRequestsPerFlush?: number;
  now?: () => number;
}

/**
 * The engine's event stream as server-sent events. Every event gets a sequence number; a connection
 * first receives the recent events (or those after `?after=seq` on a reconnect), then live batches.
 * Batching bounds the work per client under heavy traffic: a thousand requests a second become ten
 * messages a second.
 */
export class EventFeed {
  private readonly kept: SequencedEvent[] = [];
  private pending: SequencedEvent[] = [];
  private pendingRequests: RecordSummary[] = [];
  private skippedRequests = 0;
  private readonly clients = new Set<Response>();
  private seq = 0;
  private flushTimer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private readonly keepMs: number;
  private readonly maxKept: number;
  private readonly flushMs: number;
  private readonly maxRequestsPerFlush: number;
  private readonly now: () => number;

  constructor(private readonly options: EventFeedOptions = {}) {
    this.keepMs = options.keepMs ?? 15 * 60_000;
    this.maxKept = options.maxKept ?? 5000;
    this.flushMs = options.flushMs ?? 100;
    this.maxRequestsPerFlush = options.maxRequestsPerFlush ?? 500;
    this.now = options.now ?? Date.now;
  }

  attach(events: EventStream): void {
    this.unsubscribe?.();
    this.unsubscribe = events.subscribe((event) => this.push(event));
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.ping(), this.options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  private push(event: TimedEvent): void {
    const item = { seq: ++this.seq, event };
    this.kept.push(item);
    // Trimmed in steps of a quarter: a splice per event (every forwarded request emits one) would
    // move the whole window each time. At most maxKept × 1.25 are held, maxKept replayed.
    if (this.kept.length > this.maxKept + (this.maxKept >> 2)) this.kept.splice(0, this.kept.length - this.maxKept);
    if (this.clients.size === 0) return;
    this.pending.push(item);
    this.flushTimer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /**
   * A recorded exchange, for the Requests view's live list. Sent with the next batch to connected
   * clients only (never kept for replay: a connecting client loads the list). Under a flood, the
   * overflow is counted and the clients reload the list instead of receiving every summary.
   */
  pushRequest(summary: RecordSummary): void {
    if (this.clients.size === 0) return;
    if (this.pendingRequests.length < this.maxRequestsPerFlush) this.pendingRequests.push(summary);
    else this.skippedRequests++;
    this.flushTimer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  private recent(after: number | undefined): SequencedEvent[] {
    const oldest = this.now() - this.keepMs;
    return this.kept.slice(-this.maxKept).filter((item) => (after === undefined ? item.event.time >= oldest : item.seq > after));
  }

  /** Takes over `res` as an event stream until the client goes away or the feed closes. */
  connect(res: Response, after: number | undefined): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    this.write(res, { replay: true, events: this.recent(after) });
  }

  private flush(): void {
    this.flushTimer = undefined;
    const events = this.pending;
    const requests = this.pendingRequests;
    const skipped = this.skippedRequests;
    this.pending = [];
    this.pendingRequests = [];
    this.skippedRequests = 0;
    if (events.length === 0 && requests.length === 0 && skipped === 0) return;
    const batch: EventBatch = {
      replay: false,
      events,
      ...(requests.length > 0 ? { requests } : {}),
      ...(skipped > 0 ? { requestsSkipped: skipped } : {}),
    };
    for (const client of this.clients) this.write(client, batch);
  }

  private write(res: Response, batch: EventBatch): void {
    const last = batch.events.at(-1)?.seq ?? this.seq;
    res.write(`id: ${last}\ndata: ${JSON.stringify(batch)}\n\n`);
  }

  private ping(): void {
    for (const client of this.clients) client.write(': ping\n\n');
  }

  get connections(): number {
    return this.clients.size;
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.heartbeat);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}
