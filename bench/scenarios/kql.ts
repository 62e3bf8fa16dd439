import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorProcess } from '../lib/emulator-process.js';
import { featurePendingReason } from '../lib/features.js';
import { getJson, keepAliveAgent, timedRequest } from '../lib/http-client.js';
import { fillLogStore, type PlainRow } from '../lib/log-fill.js';
import { busyboxHttpd } from '../lib/pool-config.js';
import { median, MiB, round } from '../lib/stats.js';
import type { Scenario } from '../lib/types.js';

const TABLE = 'AppEnvSessionConsoleLogs_CL';
const QUERY_API = '/_sessionite/api/logs/query';
const STATS_API = '/_sessionite/api/logs/stats';
const TARGET_MS = 300;

interface QueryCase {
  name: string;
  kql: string;
  /** The same question answered by a plain loop over plain objects in the bench process. */
  plain(rows: readonly PlainRow[], now: number): number;
  /** The query whose time the target judges. */
  target?: boolean;
}

interface QueryAnswer {
  rows: unknown[][];
  elapsedMs: number;
}

function queryCases(identifier: string): QueryCase[] {
  return [
    {
      name: 'text filter over every record (target)',
      kql: `${TABLE} | where Log_s contains 'error' | count`,
      plain: (rows) => {
        const re = /error/iu;
        let n = 0;
        for (const r of rows) if (re.test(r.Log_s)) n++;
        return n;
      },
      target: true,
    },
    {
      name: 'one session, first 100',
      kql: `${TABLE} | where SessionId_s == '${identifier}' | take 100`,
      plain: (rows) => {
        const found: PlainRow[] = [];
        for (const r of rows) if (r.SessionId_s === identifier && found.push(r) >= 100) break;
        return found.length;
      },
    },
    {
      name: "one session's errors, newest 50",
      kql: `${TABLE} | where SessionId_s == '${identifier}' and Level_s == 'error' | order by TimeGenerated desc | take 50`,
      plain: (rows) =>
        rows
          .filter((r) => r.SessionId_s === identifier && r.Level_s === 'error')
          .sort((a, b) => b.TimeGenerated - a.TimeGenerated)
          .slice(0, 50).length,
    },
    {
      name: 'last 10 minutes per minute',
      kql: `${TABLE} | where TimeGenerated > ago(10m) | summarize count() by bin(TimeGenerated, 1m)`,
      plain: (rows, now) => {
        const bins = new Map<number, number>();
        for (const r of rows) {
          if (r.TimeGenerated <= now - 600_000) continue;
          const bin = Math.floor(r.TimeGenerated / 60_000) * 60_000;
          bins.set(bin, (bins.get(bin) ?? 0) + 1);
        }
        return bins.size;
      },
    },
    {
      name: 'warnings, 10,000 rows returned',
      kql: `${TABLE} | where Level_s == 'warning' | take 10000`,
      plain: (rows) => {
        const found: PlainRow[] = [];
        for (const r of rows) if (r.Level_s === 'warning' && found.push(r) >= 10_000) break;
        return found.length;
      },
    },
  ];
}

function timeMs(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

/** Reads the segment files, parses every line and applies the target filter: answering from the files alone. */
async function fileScan(logsDir: string): Promise<{ ms: number; matches: number }> {
  const started = performance.now();
  const re = /error/iu;
  let matches = 0;
  for (const name of (await readdir(logsDir)).filter((n) => n.endsWith('.ndjson')).sort()) {
    for (const raw of (await readFile(join(logsDir, name), 'utf8')).split('\n')) {
      if (raw === '') continue;
      const line = JSON.parse(raw) as unknown[];
      if (line[0] === 'c' && re.test(line[5] as string)) matches++;
    }
  }
  return { ms: performance.now() - started, matches };
}

/**
 * Issue #5, query half. The data folder's log store is filled with N console records (20 sessions
 * in 4 pools over the last hour, see `lib/log-fill.ts`) through the store's own writer, then the
 * emulator starts on it and answers KQL over HTTP (`POST /_sessionite/api/logs/query`, as
 * `sessionite logs --query` sends it). Each query runs once to warm up, then several times; the
 * figure is the round trip seen by the client (p50, max in the note). Baseline: the same question as
 * a plain loop over the same records held as plain objects in the bench process (no KQL, no HTTP).
 */
export const kqlScenario: Scenario = {
  id: 'kql-1m',
  title: 'Log queries over 1,000,000 stored records',
  timeoutMs: 300_000,
  async pendingReason() {
    return featurePendingReason({ module: 'emulator/logs/extension.ts', factory: 'createLogsExtension', what: 'log queries' });
  },
  async run(ctx) {
    const records = ctx.count(1_000_000, 200_000);
    const runs = ctx.count(9, 3);
    const work = await mkdtemp(join(tmpdir(), 'sessionite-bench-kql-'));
    const agent = keepAliveAgent(1);
    let emulator: EmulatorProcess | undefined;
    try {
      const dataDir = join(work, 'data');
      ctx.log(`writing ${records} records into ${dataDir}`);
      const fillStarted = performance.now();
      const fill = await fillLogStore({
        dataDir,
        records,
        end: Date.now(),
        spanMs: 3_600_000,
        maxBytes: 1024 * MiB,
        keepRows: true,
        progress: (n) => n % 500_000 === 0 && ctx.log(`${n} records written`),
      });
      const fillMs = performance.now() - fillStarted;
      emulator = await ctx.startEmulator({
        // One idle busybox session: a pool is required, its few lines do not matter.
        pools: [busyboxHttpd({ name: 'idle', ready: 1, max: 2 }, ctx.images.busybox)],
        dataDir,
        env: { SESSIONITE_LOGS_MAX_MB: '1024' },
        readyTimeoutMs: 120_000,
      });
      const stats = await getJson<{ records: { console: number }; dropped: { retention: number } }>(`${emulator.ready.http}${STATS_API}`);
      if (stats.records.console < records) {
        throw new Error(`the emulator loaded ${stats.records.console} of ${records} console records (${stats.dropped.retention} removed by retention)`);
      }
      const rssMiB = emulator.rssBytes() / MiB;

      const running = emulator;
      const query = async (kql: string): Promise<{ ms: number; answer: QueryAnswer }> => {
        const response = await timedRequest(`${running.ready.http}${QUERY_API}`, {
          method: 'POST',
          body: JSON.stringify({ query: kql }),
          headers: { 'content-type': 'application/json' },
          agent,
          keepBody: 64 * MiB,
          signal: ctx.signal,
        });
        if (response.status !== 200) throw new Error(`${kql} answered ${response.status}: ${response.body.slice(0, 300)}`);
        return { ms: response.ms, answer: JSON.parse(response.body) as QueryAnswer };
      };

      const cases = queryCases(fill.identifiers[7] ?? '');
      const samples: Record<string, number[]> = {};
      for (const c of cases) {
        ctx.log(`${c.name}: ${c.kql}`);
        const warm = await query(c.kql);
        const ms: number[] = [];
        const server: number[] = [];
        for (let i = 0; i < runs; i++) {
          const { ms: roundTrip, answer } = await query(c.kql);
          ms.push(roundTrip);
          server.push(answer.elapsedMs);
        }
        // The plain loop answers the same question in the bench process (its `now` is a moment later).
        const now = Date.now();
        let plainAnswer = 0;
        const plainMs = median(Array.from({ length: 5 }, () => timeMs(() => (plainAnswer = c.plain(fill.rows, now)))));
        const answerSize = c.kql.endsWith('| count') ? Number(warm.answer.rows[0]?.[0]) : warm.answer.rows.length;
        samples[c.name] = ms.map((x) => round(x, 1));
        ctx.record({
          name: `${c.name}, p50`,
          unit: 'ms',
          value: round(median(ms), 1),
          ...(c.target ? { target: { op: '<=' as const, value: TARGET_MS, text: `< ${TARGET_MS} ms` } } : {}),
          baseline: { label: 'the same filter as a plain loop over plain objects in the bench process', value: round(plainMs, 1) },
          note: `\`${c.kql.replace(TABLE, 'T')}\`: max ${round(Math.max(...ms), 1)} ms, server ${round(median(server), 0)} ms; ${answerSize} ${c.kql.endsWith('| count') ? 'matches' : 'rows'} (plain loop: ${plainAnswer})`,
        });
      }

      const scans = [await fileScan(join(dataDir, 'logs')), await fileScan(join(dataDir, 'logs'))];
      ctx.record({
        name: 'the target filter answered from the segment files (read + JSON.parse), bench process',
        unit: 'ms',
        value: round(Math.min(...scans.map((s) => s.ms)), 0),
        note: `information: what a query would cost without the in-memory store; ${scans[0]?.matches} matches`,
      });
      ctx.record({
        name: `emulator start with ${records} stored records (spawn → ready line)`,
        unit: 'ms',
        value: round(emulator.readyMs, 0),
        note: `RSS ${round(rssMiB, 0)} MiB after loading; segment files ${round(fill.bytes / MiB, 1)} MiB in ${fill.segments} segments, written in ${round(fillMs / 1000, 1)} s`,
      });
      ctx.note(
        `T = ${TABLE}. The target is the first query: \`where Log_s contains 'error' | count\` has to test the text of every one of the ${records} records (no index applies), so it bounds what any filtered query costs. Figures are client round trips over a keep-alive connection (${runs} runs after one warm-up); "server" is the elapsedMs the API reports.`,
      );
      ctx.detail('queryMs', samples);
      ctx.detail('identifier', fill.identifiers[7]);
    } finally {
      agent.destroy();
      // The data folder is ours: the emulator must have written its last records before it goes.
      await emulator?.stop();
      await rm(work, { recursive: true, force: true });
    }
  },
};
