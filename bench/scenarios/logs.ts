import { bindEchoSession } from '../lib/echo-session.js';
import { featurePendingReason } from '../lib/features.js';
import { getJson, sleep, timedRequest } from '../lib/http-client.js';
import { PendingError } from '../lib/runner.js';
import { round } from '../lib/stats.js';
import type { Scenario } from '../lib/types.js';

const POOL = 'logs';
const IDENTIFIER = 'logging';
const STATS = '/_sessionite/api/logs/stats';

interface LogsStats {
  records: { console: number };
  dropped: { retention: number; capture: number };
}

/**
 * Scenario 9a. A session prints N lines at once (the echo image's `/log?lines=N`); the scenario polls
 * the log store's statistics until all N are stored. The rate is lines over the time from the request
 * to the last line stored. Baseline: reading the same container's output back over the engine API
 * (`docker logs`), i.e. what the engine itself delivers.
 */
export const logIngestScenario: Scenario = {
  id: 'logs',
  title: 'Log ingest rate',
  timeoutMs: 180_000,
  async pendingReason() {
    return featurePendingReason({ module: 'emulator/logs/extension.ts', factory: 'createLogsExtension', what: 'log capture' });
  },
  async run(ctx) {
    const lines = ctx.count(100_000, 20_000);
    const emulator = await ctx.startEmulator({ pools: [{ name: POOL, image: ctx.images.echo, ready: 1, max: 2, cpu: 1, memory: '1Gi' }] });
    const statsUrl = `${emulator.ready.http}${STATS}`;
    const probe = await timedRequest(statsUrl);
    if (probe.status !== 200) throw new PendingError(`the CLI does not serve ${STATS} (HTTP ${probe.status})`);
    await emulator.waitForPool(POOL, (c) => c.ready >= 1, 'a ready session', 60_000, ctx.signal);
    const session = await bindEchoSession(ctx, emulator, POOL, IDENTIFIER, '/');
    await sleep(1000, ctx.signal);
    const before = await getJson<LogsStats>(statsUrl);

    const started = performance.now();
    const printed = await timedRequest(emulator.url(POOL, `/log?lines=${lines}`, IDENTIFIER), { timeoutMs: 60_000 });
    if (printed.status !== 200) throw new Error(`/log answered ${printed.status}: ${printed.body}`);
    const printedMs = performance.now() - started;
    let after = before;
    const deadline = performance.now() + 90_000;
    while (after.records.console - before.records.console < lines) {
      if (after.dropped.capture > before.dropped.capture) break;
      if (performance.now() > deadline) throw new Error(`only ${after.records.console - before.records.console} of ${lines} lines were stored within 90 s`);
      await sleep(25, ctx.signal);
      after = await getJson<LogsStats>(statsUrl);
    }
    const storedMs = performance.now() - started;
    const stored = after.records.console - before.records.console;
    const dropped = after.dropped.capture - before.dropped.capture;

    const readStarted = performance.now();
    const raw = await ctx.docker.api.getContainer(session.containerId).logs({ stdout: true, stderr: true, follow: false });
    const engineMs = performance.now() - readStarted;
    const engineLines = (Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw)).split('\n').filter((l) => l.includes('log line ')).length;

    ctx.record({
      name: `ingest rate (${lines} lines at once)`,
      unit: 'lines/s',
      value: round(stored / (storedMs / 1000), 0),
      baseline: { label: 'reading them back with `docker logs` (engine API)', value: round(engineLines / (engineMs / 1000), 0) },
      note: `${stored} stored, ${dropped} dropped by capture limits`,
    });
    ctx.record({ name: 'last line stored after the session finished printing', unit: 'ms', value: round(storedMs - printedMs, 0) });
    ctx.note('lines counted through the logs API statistics (polled every 25 ms), so the rate is slightly understated.');
  },
};
