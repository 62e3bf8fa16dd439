import type { ServerResponse } from 'node:http';
import type { ConsoleRecord } from './console-table.js';
import { LOG_LEVELS, type TailBatch, type TailFilter, type TailRecord } from './contract.js';
import type { LogStore } from './store.js';

export interface TailOptions {
  /** One message per client per window. Default 100 ms. */
  flushMs?: number;
  /** Records held per client between flushes; more are skipped (and counted). Default 5,000. */
  maxPending?: number;
  /** A client with this many bytes unsent is behind: its records are skipped until it catches up. */
  maxUnsentBytes?: number;
  heartbeatMs?: number;
}

interface Client {
  res: ServerResponse;
  match: (record: ConsoleRecord) => boolean;
  pending: TailRecord[];
  skipped: number;
}

/** Epoch ms (with microseconds as the fraction) → ISO 8601 with up to six fractional digits. */
export function isoTime(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.min(999, Math.round((ms - whole) * 1000));
  const iso = new Date(whole).toISOString();
  return micros === 0 ? iso : `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

export function toTailRecord(record: ConsoleRecord): TailRecord {
  const c = record.context;
  return {
    seq: record.seq,
    TimeGenerated: isoTime(record.time),
    SessionPoolName_s: c.pool,
    SessionId_s: c.identifier,
    ContainerId_s: c.containerId,
    ContainerName_s: c.containerName,
    Stream_s: record.stream,
    Level_s: record.level,
    Log_s: record.text,
  };
}

/** The filter as a predicate; the level is a minimum, the text a case-insensitive substring. */
export function matcher(filter: TailFilter): (record: ConsoleRecord) => boolean {
  const minLevel = filter.level === undefined ? 0 : LOG_LEVELS.indexOf(filter.level);
  const needle = filter.contains?.toLowerCase();
  return (r) =>
    (filter.pool === undefined || r.context.pool === filter.pool) &&
    (filter.identifier === undefined || r.context.identifier === filter.identifier) &&
    (filter.stream === undefined || r.stream === filter.stream) &&
    LOG_LEVELS.indexOf(r.level) >= minLevel &&
    (needle === undefined || r.text.toLowerCase().includes(needle));
}

/**
 * The live tail: console records as server-sent events, filtered per client. A connection first
 * gets the recent matching records (or those after `after`, on a reconnect), then batches. Work per
 * client is bounded: at most `maxPending` records wait between flushes and a client whose socket
 * does not drain is skipped, with the count sent in the next batch — a slow viewer never makes the
 * store or the data plane wait.
 */
export class LogTail {
  private readonly clients = new Set<Client>();
  private unsubscribe?: () => void;
  private flushTimer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly store: LogStore,
    private readonly options: TailOptions = {},
  ) {}

  connect(res: ServerResponse, filter: TailFilter): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const client: Client = { res, match: matcher(filter), pending: [], skipped: 0 };
    const limit = Math.min(10_000, Math.max(0, filter.tail ?? 100));
    const replay =
      filter.after !== undefined || limit > 0
        ? this.store.console.recent(client.match, filter.after === undefined ? limit : 10_000, filter.after)
        : [];
    this.write(client, { replay: true, records: replay.map(toTailRecord), skipped: 0 });
    this.clients.add(client);
    res.on('close', () => this.remove(client));
    this.start();
  }

  get connections(): number {
    return this.clients.size;
  }

  close(): void {
    for (const client of [...this.clients]) {
      client.res.end();
      this.remove(client);
    }
  }

  private start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.store.subscribe((record) => this.offer(record));
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) client.res.write(': ping\n\n');
    }, this.options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  private remove(client: Client): void {
    this.clients.delete(client);
    if (this.clients.size > 0) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.heartbeat);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private offer(record: ConsoleRecord): void {
    const maxPending = this.options.maxPending ?? 5_000;
    for (const client of this.clients) {
      if (!client.match(record)) continue;
      if (client.pending.length < maxPending) client.pending.push(toTailRecord(record));
      else client.skipped++;
    }
    this.flushTimer ??= setTimeout(() => this.flush(), this.options.flushMs ?? 100);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const maxUnsent = this.options.maxUnsentBytes ?? 4 * 1024 * 1024;
    for (const client of this.clients) {
      if (client.pending.length === 0 && client.skipped === 0) continue;
      if (client.res.writableLength > maxUnsent) {
        client.skipped += client.pending.length;
        client.pending = [];
        continue;
      }
      this.write(client, { replay: false, records: client.pending, skipped: client.skipped });
      client.pending = [];
      client.skipped = 0;
    }
  }

  private write(client: Client, batch: TailBatch): void {
    const last = batch.records.at(-1)?.seq;
    client.res.write(`${last === undefined ? '' : `id: ${last}\n`}data: ${JSON.stringify(batch)}\n\n`);
  }
}
