import { waitForPort } from '../lib/docker.js';
import { header, keepAliveAgent, mapLimit, timedRequest, type TimedResponse } from '../lib/http-client.js';
import { busyboxHttpd, busyboxHttpdCommand } from '../lib/pool-config.js';
import { percentile, round } from '../lib/stats.js';
import type { Scenario, ScenarioContext } from '../lib/types.js';

const POOL = 'burst';
const READY = 20;
const MAX = 250;
/** Parallel `docker run`s in the baseline: the emulator's own `maxParallelStarts` default. */
const PARALLEL = 16;

/** Starts `count` busybox httpd containers with parallel `docker run`, until every port answers. */
async function dockerRunBaseline(ctx: ScenarioContext, count: number): Promise<{ totalMs: number; perContainer: number[] }> {
  const { command, args } = busyboxHttpdCommand();
  const started = performance.now();
  const perContainer = await mapLimit(Array.from({ length: count }), PARALLEL, async () => {
    const t0 = performance.now();
    const id = await ctx.docker.cliRun({ image: ctx.images.busybox, entrypoint: command, args, cpu: 0.25, memoryBytes: 512 * 1024 * 1024 }, ctx.signal);
    await waitForPort(await ctx.docker.ipOf(id), 8080, 120_000, ctx.signal);
    return performance.now() - t0;
  });
  return { totalMs: performance.now() - started, perContainer };
}

/**
 * Scenario 5. 200 new identifiers at once against a pool with 20 ready sessions (max 250): 20 are
 * served warm, 180 wait for starts. The baseline starts 200 containers of the same image with
 * parallel `docker run` (16 at a time, as the pool starts them) in the same run, before the emulator
 * exists, and removes them again.
 */
export const burstScenario: Scenario = {
  id: 'burst',
  title: 'Burst: 200 new identifiers at once (ready 20, max 250)',
  timeoutMs: 360_000,
  async run(ctx) {
    const count = ctx.count(200, 60);
    ctx.log(`baseline: ${count} × docker run, ${PARALLEL} in parallel`);
    const baseline = await dockerRunBaseline(ctx, count);
    ctx.log(`baseline took ${round(baseline.totalMs / 1000, 1)} s; removing its containers`);
    await ctx.docker.sweepContainers([ctx.docker.labelFilter]);

    const emulator = await ctx.startEmulator({
      pools: [busyboxHttpd({ name: POOL, ready: READY, max: MAX }, ctx.images.busybox)],
      limits: { allocationTimeoutMs: 300_000 },
    });
    await emulator.waitForPool(POOL, (c) => c.ready >= READY && c.starting === 0, 'the ready sessions', 120_000, ctx.signal);
    ctx.log(`burst: ${count} first requests at once`);
    const agent = keepAliveAgent();
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        timedRequest(emulator.url(POOL, '/', `burst-${i}`), { agent, timeoutMs: 300_000 }).catch(
          (error: unknown): TimedResponse => ({ status: 0, headers: {}, ms: performance.now() - started, body: String(error) }),
        ),
      ),
    );
    const totalMs = performance.now() - started;
    agent.destroy();
    const sessions = await emulator.sessionCount(POOL);

    const ok = responses.filter((r) => r.status === 200).length;
    const kinds: Record<string, number> = {};
    for (const r of responses) {
      const kind = header(r, 'x-sessionite-allocation') || `status ${r.status}`;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
    const latencies = responses.map((r) => r.ms);
    ctx.record({
      name: `burst completion time (${count} requests)`,
      unit: 's',
      value: round(totalMs / 1000, 2),
      baseline: { label: `${count} × \`docker run\` → port ready, ${PARALLEL} parallel`, value: round(baseline.totalMs / 1000, 2) },
    });
    ctx.record({
      name: 'burst time / docker run time',
      unit: '×',
      value: round(totalMs / baseline.totalMs, 2),
      target: { op: '<=', value: 1.15, text: '≤ 1.15×' },
    });
    ctx.record({
      name: 'request latency p50 / p99',
      unit: 'ms',
      value: round(percentile(latencies, 50), 0),
      note: `p99 ${round(percentile(latencies, 99), 0)} ms`,
    });
    ctx.record({ name: 'successful requests', unit: '', value: ok, target: { op: '==', value: count, text: `all ${count}` } });
    ctx.record({
      name: 'allocated sessions afterwards (listSessions)',
      unit: '',
      value: sessions,
      target: { op: '==', value: count, text: `exactly ${count}` },
      note: Object.entries(kinds)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
    });
    ctx.record({
      name: 'containers started per second (docker run baseline)',
      unit: '/s',
      value: round(count / (baseline.totalMs / 1000), 1),
    });
    const failures = responses.filter((r) => r.status !== 200).slice(0, 3);
    if (failures.length) ctx.note(`failed requests, e.g.: ${failures.map((r) => `${r.status} ${r.body.slice(0, 160)}`).join(' | ')}`);
    ctx.note(`busybox httpd image on both sides (0.25 CPU, 0.5 GiB each); the baseline ran before the emulator started and its containers were removed before the burst.`);
    ctx.detail('baselinePerContainerMs', { p50: round(percentile(baseline.perContainer, 50), 0), p99: round(percentile(baseline.perContainer, 99), 0) });
    ctx.detail('latencyMs', { p50: round(percentile(latencies, 50), 0), p99: round(percentile(latencies, 99), 0), max: round(Math.max(...latencies), 0) });
    ctx.detail('allocationHeader', kinds);
  },
};
