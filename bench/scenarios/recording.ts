import { bindEchoSession } from '../lib/echo-session.js';
import { featurePendingReason } from '../lib/features.js';
import { getJson, timedRequest } from '../lib/http-client.js';
import { PendingError } from '../lib/runner.js';
import { runLoadChild } from '../lib/children.js';
import { mean, median, round } from '../lib/stats.js';
import type { LatencyInput, LatencyOutput } from '../load/latency.js';
import type { Scenario } from '../lib/types.js';
import { loadRun, type LoadRun } from './forwarding.js';

const POOL = 'rec';
const IDENTIFIER = 'recording';
const REQUESTS_API = '/_sessionite/api/requests';

/**
 * Scenario 9b. The forwarding load (autocannon, 64 connections, 1 KiB POST bodies) through the
 * emulator with request recording switched on and off at run time (`POST …/requests/resume` and
 * `/pause`), in alternating rounds so drifting machine load affects both alike; then the latency it
 * adds to one request at a time (one connection, the same alternation).
 */
export const recordingScenario: Scenario = {
  id: 'recording',
  title: 'Recording on vs off (throughput ratio ≥ 0.9)',
  timeoutMs: 300_000,
  async pendingReason() {
    return featurePendingReason({ module: 'emulator/traffic/index.ts', factory: 'createTrafficExtension', what: 'request recording' });
  },
  async run(ctx) {
    const durationSec = ctx.count(5, 3);
    const rounds = ctx.count(3, 1);
    const emulator = await ctx.startEmulator({
      pools: [{ name: POOL, image: ctx.images.echo, ready: 1, max: 2, cpu: 2, memory: '1Gi' }],
    });
    const api = `${emulator.ready.http}${REQUESTS_API}`;
    const state = await timedRequest(`${api}/state`);
    if (state.status !== 200) throw new PendingError(`the CLI does not serve ${REQUESTS_API} (HTTP ${state.status})`);
    await emulator.waitForPool(POOL, (c) => c.ready >= 1, 'a ready session', 60_000, ctx.signal);
    const session = await bindEchoSession(ctx, emulator, POOL, IDENTIFIER, '/echo');
    const on: LoadRun[] = [];
    const off: LoadRun[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const recording of [true, false]) {
        await emulator.setRecording(recording);
        ctx.log(`round ${round + 1}/${rounds}: recording ${recording ? 'on' : 'off'}`);
        (recording ? on : off).push(await loadRun(ctx, session.viaEmulator, session, emulator.pid, durationSec));
      }
    }
    const latency = { on: [] as number[], off: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      for (const recording of [true, false]) {
        await emulator.setRecording(recording);
        ctx.log(`latency round ${round + 1}/${rounds}: recording ${recording ? 'on' : 'off'}`);
        const input: LatencyInput = { targets: [{ name: 'emulator', url: session.viaEmulator }], method: 'POST', bodyBytes: 1024, rounds: ctx.count(4, 2), roundMs: 500, warmup: 100 };
        const out = await runLoadChild<LatencyOutput>('latency', input, 60_000, ctx.signal);
        if (!out.emulator) throw new Error('the latency child returned no figures');
        (recording ? latency.on : latency.off).push(out.emulator.p50);
      }
    }
    const recorded = await getJson<{ records: number; bytes: number }>(`${api}/state`);
    const rps = (runs: LoadRun[]): number => mean(runs.map((r) => r.load.rps));
    ctx.record({
      name: 'throughput with recording on',
      unit: 'req/s',
      value: round(rps(on), 0),
      baseline: { label: 'recording off', value: round(rps(off), 0) },
      note: `${recorded.records} records stored`,
    });
    ctx.record({
      name: 'throughput ratio recording on / off',
      unit: '',
      value: round(rps(on) / rps(off), 3),
      target: { op: '>=', value: 0.9, text: '≥ 0.9' },
    });
    ctx.record({
      name: 'emulator CPU per request, recording on',
      unit: 'µs',
      value: round(mean(on.map((r) => r.cpuPerRequestUs.proxy)), 0),
      baseline: { label: 'recording off', value: round(mean(off.map((r) => r.cpuPerRequestUs.proxy)), 0) },
    });
    ctx.record({
      name: 'p50 added by recording, one connection',
      unit: 'ms',
      value: round(median(latency.on) - median(latency.off)),
      baseline: { label: 'p50 with recording off', value: round(median(latency.off)) },
      note: `p50 per round — on: ${latency.on.map((v) => round(v)).join(', ')}; off: ${latency.off.map((v) => round(v)).join(', ')} ms`,
    });
    ctx.note(`${rounds} alternating round(s) of ${durationSec} s per state after an untimed 2 s run each; 64 connections, 1 KiB POST bodies.`);
    ctx.detail('runs', { on, off });
  },
};
