import { randomBytes } from 'node:crypto';
import { poolResourceId, type LogContext } from '../../emulator/logs/contexts.js';
import type { LogStream } from '../../emulator/logs/contract.js';
import { inferLevel } from '../../emulator/logs/level.js';
import { LogStore } from '../../emulator/logs/store.js';
import { prng } from '../../emulator/util/prng.js';

/**
 * Fills a data folder's log store with synthetic console records through the store's own writer
 * (`LogStore.appendConsole`, i.e. the segment format the emulator loads), without containers: 20
 * sessions in 4 pools chattering over the last hour, in time order, with the mix of lines a web
 * service prints (access lines, `level=` lines, JSON lines, warnings, errors and stack traces on
 * stderr). Deterministic for a given record count (a seeded generator), except container ids.
 */

/** One record as plain fields, for in-process baselines. */
export interface PlainRow {
  TimeGenerated: number;
  SessionPoolName_s: string;
  SessionId_s: string;
  Stream_s: string;
  Level_s: string;
  Log_s: string;
}

export interface FillResult {
  records: number;
  /** The session identifiers, in context order. */
  identifiers: string[];
  /** Time of the first and the last record (epoch ms). */
  from: number;
  to: number;
  /** Bytes of the segment files written. */
  bytes: number;
  segments: number;
  /** Every record as a plain object when `keepRows` was set. */
  rows: PlainRow[];
}

const POOLS = ['orders', 'billing', 'search', 'reports'];
const SESSIONS_PER_POOL = 5;
const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
const RESOURCE_GROUP = 'sessionite';


type Line = [LogStream, string];
type Template = (n: number, ms: number, hex: string) => Line | Line[];

const ROUTES = ['/api/items', '/api/orders', '/api/users', '/api/cart', '/api/search', '/health'];
const STATUSES = [200, 200, 200, 200, 201, 204, 304, 400, 404, 500];

/** Templates with their weights (per 1,000). */
const TEMPLATES: [number, Template][] = [
  [520, (n, ms, hex) => ['stdout', `${n % 3 ? 'GET' : 'POST'} ${ROUTES[n % ROUTES.length]}/${n % 9973} ${STATUSES[n % STATUSES.length]} ${ms}ms request_id=${hex}`]],
  [160, (n, ms) => ['stdout', `level=debug msg="cache ${n % 4 ? 'hit' : 'miss'}" key=user:${n % 5000} took=${ms / 10}ms`]],
  [130, (n, ms, hex) => ['stdout', JSON.stringify({ level: 'info', msg: 'job finished', job: n, durationMs: ms, trace: hex })]],
  [60, (n, ms) => ['stdout', `WARN slow query took ${ms * 7} ms: SELECT * FROM items WHERE id = ${n % 9973}`]],
  [50, (n) => ['stdout', `INFO worker ${n % 8} heartbeat, queue depth ${n % 40}`]],
  [30, (n, ms, hex) => ['stdout', JSON.stringify({ level: 'warning', msg: 'retrying upstream call', attempt: (n % 3) + 1, backoffMs: ms, trace: hex })]],
  [25, (n) => ['stderr', `ERROR payment declined for order ${n}: card_expired`]],
  [15, (n) => [
    ['stderr', `Error: connect ECONNREFUSED 10.0.${n % 4}.${n % 250}:5432`],
    ['stderr', '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)'],
    ['stderr', '    at processTicksAndRejections (node:internal/process/task_queues:95:5)'],
  ]],
  [10, (n) => ['stderr', `Traceback (most recent call last): File "/app/report.py", line ${n % 300}, in render`]],
];
const WEIGHT = TEMPLATES.reduce((sum, [w]) => sum + w, 0);

function pickTemplate(r: number): Template {
  let x = r * WEIGHT;
  for (const [weight, template] of TEMPLATES) {
    if (x < weight) return template;
    x -= weight;
  }
  return (TEMPLATES[0] as [number, Template])[1];
}

export interface FillOptions {
  dataDir: string;
  records: number;
  /** Records span [end − spanMs, end]. */
  end: number;
  spanMs: number;
  /** The store's size limit while writing (segment size follows it); must hold the records. */
  maxBytes: number;
  keepRows: boolean;
  /** Called every 100,000 records. */
  progress?: (written: number) => void;
}

export async function fillLogStore(options: FillOptions): Promise<FillResult> {
  const store = new LogStore({ dataDir: options.dataDir, retention: { maxBytes: options.maxBytes }, flushMs: 60_000 });
  await store.open();
  const contexts: LogContext[] = [];
  for (const pool of POOLS) {
    for (let s = 0; s < SESSIONS_PER_POOL; s++) {
      contexts.push(
        store.context({
          containerId: randomBytes(32).toString('hex'),
          pool,
          identifier: `${pool}-user-${String(s + 1).padStart(3, '0')}`,
          containerName: 'main',
          image: `registry.example.com/${pool}-app:1.${s}`,
          resourceId: poolResourceId(SUBSCRIPTION, RESOURCE_GROUP, pool),
        }),
      );
    }
  }
  const random = prng(options.records);
  const rows: PlainRow[] = [];
  const from = options.end - options.spanMs;
  const step = options.spanMs / options.records;
  let written = 0;
  let n = 0;
  while (written < options.records) {
    const context = contexts[Math.floor(random() * contexts.length)] as LogContext;
    const ms = 1 + Math.floor(random() * 400);
    const hex = Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0');
    const produced = pickTemplate(random())(n++, ms, hex);
    const lines: Line[] = typeof produced[0] === 'string' ? [produced as Line] : (produced as Line[]);
    for (const [stream, text] of lines) {
      if (written >= options.records) break;
      // Microseconds kept, as capture stores the engine's timestamps.
      const time = Math.round((from + written * step) * 1000) / 1000;
      const level = inferLevel(text, stream === 'stderr' ? 'stderr' : 'stdout');
      store.appendConsole(context, time, stream, level, text);
      if (options.keepRows) {
        rows.push({ TimeGenerated: time, SessionPoolName_s: context.pool, SessionId_s: context.identifier, Stream_s: stream, Level_s: level, Log_s: text });
      }
      written++;
      if (written % 100_000 === 0) {
        await store.flush();
        options.progress?.(written);
      }
    }
  }
  await store.close();
  const stats = store.stats();
  if (stats.records.console !== options.records || stats.dropped.retention > 0) {
    throw new Error(`the store holds ${stats.records.console} of ${options.records} records (${stats.dropped.retention} removed by retention)`);
  }
  return {
    records: written,
    identifiers: contexts.map((c) => c.identifier),
    from,
    to: from + (written - 1) * step,
    bytes: stats.bytes,
    segments: stats.segments,
    rows,
  };
}
