import { waitForPort } from '../lib/docker.js';
import { bindEchoSession, type EchoSession } from '../lib/echo-session.js';
import type { EmulatorProcess } from '../lib/emulator-process.js';
import { featurePendingReason } from '../lib/features.js';
import { getJson, mapLimit, sleep, timedRequest } from '../lib/http-client.js';
import { followContainer, type EngineFollower } from '../lib/log-follower.js';
import { PendingError } from '../lib/runner.js';
import { median, round } from '../lib/stats.js';
import type { Scenario, ScenarioContext } from '../lib/types.js';

const POOL = 'chatter';
const SESSIONS = 20;
const STATS = '/_sessionite/api/logs/stats';
const TARGET = 50_000;
const CPU = 1;
const MEMORY_BYTES = 512 * 1024 * 1024;

interface LogsStats {
  records: { console: number };
  dropped: { retention: number; capture: number };
}

interface Round {
  /** First request → last line counted. */
  ms: number;
  /** First request → the last session answered (it had written all its lines). */
  printedMs: number;
  lines: number;
  dropped: number;
}

/**
 * Sends `/log?lines=N` to every URL at once and polls `counted()` until `total` more lines are
 * counted (or `stop()` says to give up); returns the times.
 */
async function printRound(ctx: ScenarioContext, urls: string[], total: number, counted: () => Promise<number>, stop: () => Promise<boolean>): Promise<Omit<Round, 'dropped'>> {
  const before = await counted();
  const started = performance.now();
  const printedAt: number[] = [];
  let failure: Error | undefined;
  const printing = Promise.all(
    urls.map(async (url) => {
      const printed = await timedRequest(url, { timeoutMs: 120_000 });
      if (printed.status !== 200) throw new Error(`${url} answered ${printed.status}: ${printed.body}`);
      printedAt.push(performance.now() - started);
    }),
  );
  printing.catch((error: unknown) => (failure = error instanceof Error ? error : new Error(String(error))));
  const deadline = started + 120_000;
  let lines = 0;
  while ((lines = (await counted()) - before) < total) {
    if (failure) throw failure;
    if (await stop()) break;
    if (performance.now() > deadline) throw new Error(`only ${lines} of ${total} lines were counted within 120 s`);
    await sleep(25, ctx.signal);
  }
  const ms = performance.now() - started;
  await printing;
  return { ms, printedMs: Math.max(...printedAt), lines };
}

/** The emulator's pool: 20 echo sessions bound to identifiers; lines counted by the logs API statistics. */
async function emulatorSide(ctx: ScenarioContext): Promise<{ emulator: EmulatorProcess; sessions: EchoSession[]; identifiers: string[] }> {
  const emulator = await ctx.startEmulator({
    pools: [{ name: POOL, image: ctx.images.echo, ready: SESSIONS, max: SESSIONS + 1, cpu: CPU, memory: '0.5Gi' }],
  });
  const probe = await timedRequest(`${emulator.ready.http}${STATS}`);
  if (probe.status !== 200) throw new PendingError(`the CLI does not serve ${STATS} (HTTP ${probe.status})`);
  await emulator.waitForPool(POOL, (c) => c.ready >= SESSIONS, `${SESSIONS} ready sessions`, 120_000, ctx.signal);
  const identifiers = Array.from({ length: SESSIONS }, (_, i) => `chatter-${String(i).padStart(2, '0')}`);
  const sessions = await mapLimit(identifiers, 4, (id) => bindEchoSession(ctx, emulator, POOL, id, '/'));
  return { emulator, sessions, identifiers };
}

/** 20 containers of the same image and limits started over the engine API, each with a bare follower. */
async function baselineSide(ctx: ScenarioContext): Promise<{ ips: string[]; followers: EngineFollower[] }> {
  const ids = await mapLimit(Array.from({ length: SESSIONS }), 4, () => ctx.docker.apiRun({ image: ctx.images.echo, cpu: CPU, memoryBytes: MEMORY_BYTES }));
  const ips = await mapLimit(ids, 4, async (id) => {
    const ip = await ctx.docker.ipOf(id);
    await waitForPort(ip, 8080, 60_000, ctx.signal, 20);
    return ip;
  });
  const followers = await mapLimit(ids, 4, (id) => followContainer(ctx.docker, id));
  return { ips, followers };
}

/**
 * Issue #5, ingest half. Twenty echo sessions print N lines each at the same moment (`/log?lines=N`);
 * the scenario polls the log store's statistics until all 20 × N are stored. The rate is the lines
 * stored over the time from the first request to the last line stored, median of several rounds
 * after a small warm-up round. Baseline, in alternating
 * rounds: 20 containers of the same image and limits (engine API, no emulator) print the same lines
 * while a bare reader per container follows them over the engine API with the request capture
 * makes, counting frames: what the engine delivers to a reader that does nothing with the lines.
 */
export const logChatterScenario: Scenario = {
  id: 'logs-20',
  title: 'Log ingest rate, 20 chattering sessions',
  timeoutMs: 420_000,
  async pendingReason() {
    return featurePendingReason({ module: 'emulator/logs/extension.ts', factory: 'createLogsExtension', what: 'log capture' });
  },
  async run(ctx) {
    const perSession = ctx.count(10_000, 2_000);
    const rounds = ctx.count(4, 1);
    const total = perSession * SESSIONS;
    const { emulator, sessions, identifiers } = await emulatorSide(ctx);
    const baseline = await baselineSide(ctx);
    const statsUrl = `${emulator.ready.http}${STATS}`;
    const emulatorUrls = identifiers.map((id) => emulator.url(POOL, `/log?lines=${perSession}`, id));
    const directUrls = baseline.ips.map((ip) => `http://${ip}:8080/log?lines=${perSession}`);
    const frames = (): number => baseline.followers.reduce((sum, f) => sum + f.counter.frames, 0);
    // One small round on each side first (JIT of the sessions, the emulator's capture path and the
    // engine's log streams; not counted), then let the lines settle before counting.
    const warmLines = Math.min(perSession, 2_000);
    const warm = (url: string): string => url.replace(`lines=${perSession}`, `lines=${warmLines}`);
    const storedBefore = (await getJson<LogsStats>(statsUrl)).records.console;
    const framesBefore = frames();
    await Promise.all([...emulatorUrls, ...directUrls].map(async (url) => (await timedRequest(warm(url), { timeoutMs: 120_000 })).status));
    const warmDeadline = performance.now() + 60_000;
    const warmTotal = warmLines * SESSIONS;
    while (frames() - framesBefore < warmTotal || (await getJson<LogsStats>(statsUrl)).records.console - storedBefore < warmTotal) {
      if (performance.now() > warmDeadline) throw new Error('the warm-up lines were not all counted within 60 s');
      await sleep(100, ctx.signal);
    }
    await sleep(1000, ctx.signal);

    const viaEmulator: Round[] = [];
    const engineOnly: Round[] = [];
    try {
      for (let r = 0; r < rounds; r++) {
        // Alternate which side goes first, so neither always runs in the other's wake.
        const order = r % 2 === 0 ? ['emulator', 'engine'] : ['engine', 'emulator'];
        ctx.log(`round ${r + 1}/${rounds}: ${SESSIONS} sessions × ${perSession} lines, ${order.join(' then ')}`);
        for (const side of order) {
          if (side === 'emulator') {
            const start = await getJson<LogsStats>(statsUrl);
            let last = start;
            const round = await printRound(
              ctx,
              emulatorUrls,
              total,
              async () => (last = await getJson<LogsStats>(statsUrl)).records.console,
              async () => last.dropped.capture > start.dropped.capture,
            );
            viaEmulator.push({ ...round, dropped: last.dropped.capture - start.dropped.capture });
          } else {
            engineOnly.push({ ...(await printRound(ctx, directUrls, total, async () => frames(), async () => false)), dropped: 0 });
          }
          await sleep(1000, ctx.signal);
        }
      }
    } finally {
      for (const follower of baseline.followers) follower.stop();
    }

    const rate = (r: Round): number => r.lines / (r.ms / 1000);
    const rates = viaEmulator.map(rate);
    const engineRates = engineOnly.map(rate);
    const stored = viaEmulator.reduce((sum, r) => sum + r.lines, 0);
    const dropped = viaEmulator.reduce((sum, r) => sum + r.dropped, 0);
    ctx.record({
      name: `ingest rate (${SESSIONS} sessions × ${perSession} lines at once), median of ${rounds}`,
      unit: 'lines/s',
      value: round(median(rates), 0),
      target: { op: '>=', value: TARGET, text: `≥ ${TARGET.toLocaleString('en-US')} lines/s` },
      baseline: { label: `the same lines from ${SESSIONS} containers without the emulator, followed over the engine API by a bare reader each`, value: round(median(engineRates), 0) },
      note: `rounds ${rates.map((x) => round(x, 0)).join(', ')} (baseline ${engineRates.map((x) => round(x, 0)).join(', ')}); ${stored} of ${total * rounds} stored, ${dropped} dropped by capture limits`,
    });
    ctx.record({
      name: 'last line stored after the last session finished printing, median',
      unit: 'ms',
      value: round(median(viaEmulator.map((r) => r.ms - r.printedMs)), 0),
      note: `the sessions needed ${round(median(viaEmulator.map((r) => r.printedMs)), 0)} ms to print (baseline containers: ${round(median(engineOnly.map((r) => r.printedMs)), 0)} ms)`,
    });

    const readStarted = performance.now();
    const engineLines = await Promise.all(
      sessions.map(async (session) => {
        const raw = await ctx.docker.api.getContainer(session.containerId).logs({ stdout: true, stderr: true, follow: false });
        const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
        return text.split('\n').filter((l) => l.includes('log line ')).length;
      }),
    );
    const readMs = performance.now() - readStarted;
    const readLines = engineLines.reduce((sum, n) => sum + n, 0);
    ctx.record({
      name: `reading the sessions' stored output back with \`docker logs\` (${SESSIONS} in parallel)`,
      unit: 'lines/s',
      value: round(readLines / (readMs / 1000), 0),
      note: `information: ${readLines} lines from the engine's json-file logs, no follow`,
    });
    ctx.note(
      `a warm-up round of ${warmLines} lines per session on each side is not counted; lines are counted through the logs API statistics (polled every 25 ms), so the rate is slightly understated. The ${SESSIONS} Node sessions, the engine (json-file logging, then streaming each entry to every follower) and the emulator share the machine's ${ctx.machine.cores} cores: the baseline is the same engine work with a reader that costs nothing.`,
    );
    ctx.detail('emulatorRounds', viaEmulator.map((r) => ({ ms: round(r.ms, 1), printedMs: round(r.printedMs, 1), lines: r.lines, dropped: r.dropped })));
    ctx.detail('engineRounds', engineOnly.map((r) => ({ ms: round(r.ms, 1), printedMs: round(r.printedMs, 1), lines: r.lines })));
  },
};
