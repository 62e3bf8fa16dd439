import { header, keepAliveAgent, timedRequest } from '../lib/http-client.js';
import { busyboxHttpd } from '../lib/pool-config.js';
import { percentile, round, roundSummary, summarize } from '../lib/stats.js';
import type { Scenario } from '../lib/types.js';

const POOL = 'warm';
const READY = 20;
const WARMUP = 3;

/**
 * Scenario 1. Each iteration waits until the pool is refilled and no container is starting (so the
 * timed requests do not share two cores with Docker starting one), then times a request to an
 * already-bound identifier (the baseline) and right after it the first request of a new identifier
 * (same image, same path, same keep-alive client connection). The difference is what allocation
 * adds: taking a ready session, binding it and scheduling the refill.
 */
export const warmScenario: Scenario = {
  id: 'warm',
  title: 'Warm allocation (first request, ready session available)',
  timeoutMs: 240_000,
  async run(ctx) {
    const n = ctx.count(100, 25);
    const total = n + WARMUP;
    const emulator = await ctx.startEmulator({
      pools: [busyboxHttpd({ name: POOL, ready: READY, max: total + READY + 2 }, ctx.images.busybox)],
    });
    ctx.log(`waiting for ${READY} ready sessions`);
    await emulator.waitForPool(POOL, (c) => c.ready >= READY, 'the ready sessions', 120_000, ctx.signal);
    const agent = keepAliveAgent(1);
    const baseUrl = emulator.url(POOL, '/', 'warm-base');
    const base = await timedRequest(baseUrl, { agent });
    if (base.status !== 200) throw new Error(`binding the baseline identifier answered ${base.status}: ${base.body}`);

    const first: number[] = [];
    const bound: number[] = [];
    const pairs: number[] = [];
    const kinds: Record<string, number> = {};
    const waits: number[] = [];
    ctx.log(`timing ${n} first requests (after ${WARMUP} untimed), one at a time`);
    for (let i = 0; i < total; i++) {
      const waitStart = performance.now();
      // The pool refills a taken session 50 ms later (SessionPool.refillSoon): wait for the full pool.
      await emulator.waitForPool(POOL, (c) => c.ready >= READY && c.starting === 0, 'a refilled pool', 60_000, ctx.signal);
      waits.push(performance.now() - waitStart);
      const b = await timedRequest(baseUrl, { agent });
      const f = await timedRequest(emulator.url(POOL, '/', `warm-${i}`), { agent });
      if (b.status !== 200 || f.status !== 200) throw new Error(`requests answered ${b.status} / ${f.status}: ${f.body.slice(0, 200)}`);
      if (i < WARMUP) continue;
      const kind = header(f, 'x-sessionite-allocation') || 'unknown';
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      first.push(f.ms);
      bound.push(b.ms);
      pairs.push(f.ms - b.ms);
    }
    agent.destroy();

    const addedP50 = percentile(first, 50) - percentile(bound, 50);
    const addedP99 = percentile(first, 99) - percentile(bound, 99);
    const boundLabel = 'request to a bound session';
    ctx.record({
      name: 'added latency p50 (first − bound)',
      unit: 'ms',
      value: round(addedP50),
      baseline: { label: `${boundLabel}, p50`, value: round(percentile(bound, 50)) },
      target: { op: '<=', value: 5, text: '≤ 5 ms' },
    });
    ctx.record({
      name: 'added latency p99 (first − bound)',
      unit: 'ms',
      value: round(addedP99),
      baseline: { label: `${boundLabel}, p99`, value: round(percentile(bound, 99)) },
      target: { op: '<=', value: 25, text: '≤ 25 ms' },
    });
    ctx.record({ name: 'first request p50 / p99', unit: 'ms', value: round(percentile(first, 50)), note: `p99 ${round(percentile(first, 99), 1)} ms` });
    ctx.record({
      name: 'first requests served warm',
      unit: '',
      value: kinds.warm ?? 0,
      target: { op: '==', value: n, text: `all ${n}` },
      note: Object.entries(kinds)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
    });
    ctx.note(
      `${n} timed pairs after ${WARMUP} untimed ones; each pair starts once the pool is back at ${READY} ready sessions and no container is starting (median wait ${round(percentile(waits, 50), 0)} ms), so no refill overlaps a timed request unless a first request itself lasts longer than the pool's 50 ms refill delay. busybox httpd closes every connection, so both requests include one emulator→session connect.`,
    );
    ctx.detail('firstMs', roundSummary(summarize(first)));
    ctx.detail('boundMs', roundSummary(summarize(bound)));
    ctx.detail('pairDifferenceMs', roundSummary(summarize(pairs)));
    ctx.detail('allocationHeader', kinds);
  },
};
