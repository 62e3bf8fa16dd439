import type { AutocannonInput, AutocannonOutput } from '../load/autocannon.js';
import type { LatencyInput, LatencyOutput } from '../load/latency.js';
import { runLoadChild, startServiceChild } from '../lib/children.js';
import { bindEchoSession, type EchoSession } from '../lib/echo-session.js';
import { startHaproxy } from '../lib/haproxy.js';
import { busyShare, containerCpuSeconds, cpuSeconds, systemCpuTicks } from '../lib/proc.js';
import { round } from '../lib/stats.js';
import type { Scenario, ScenarioContext } from '../lib/types.js';

const POOL = 'fwd';
const IDENTIFIER = 'forwarding';
const BODY_BYTES = 1024;
const CONNECTIONS = 64;

export interface LoadRun {
  load: AutocannonOutput;
  /** CPU µs per request: load generator, session container, proxy in between (0 when direct). */
  cpuPerRequestUs: { generator: number; session: number; proxy: number };
  /** Share of the machine's cores busy during the run (every process, not just these). */
  machineBusy: number;
}

/**
 * One measured autocannon run after an untimed warm-up run, with the CPU every party used: the
 * generator reports its own, the session's comes from its cgroup, the proxy's (emulator or the
 * reference proxy; `proxyPid` 0 for direct runs) from /proc.
 */
export async function loadRun(ctx: ScenarioContext, url: string, session: EchoSession, proxyPid: number, durationSec: number): Promise<LoadRun> {
  const input = (seconds: number): AutocannonInput => ({
    url,
    method: 'POST',
    bodyBytes: BODY_BYTES,
    connections: CONNECTIONS,
    durationSec: seconds,
    warmupSec: 0,
  });
  await runLoadChild<AutocannonOutput>('autocannon', input(2), 60_000, ctx.signal);
  const proxy0 = proxyPid ? cpuSeconds(proxyPid) : 0;
  const session0 = containerCpuSeconds(session.containerId);
  const machine0 = systemCpuTicks();
  const load = await runLoadChild<AutocannonOutput>('autocannon', input(durationSec), (durationSec + 60) * 1000, ctx.signal);
  const perRequest = (seconds: number): number => round((seconds / load.requests) * 1e6, 0);
  const proxyCpu = proxyPid ? cpuSeconds(proxyPid) - proxy0 : 0;
  return {
    load,
    cpuPerRequestUs: {
      generator: perRequest(load.cpuSec),
      session: perRequest(containerCpuSeconds(session.containerId) - session0),
      proxy: perRequest(proxyCpu),
    },
    machineBusy: busyShare(machine0, systemCpuTicks()),
  };
}

/**
 * Scenario 2. The same echo session (2 cores allowed, so the session is not what limits) is loaded
 * through the emulator and straight at its container address: autocannon with 64 connections and
 * 1 KiB POST bodies for throughput, then one connection at a time for the latency the hop adds.
 */
export const forwardingScenario: Scenario = {
  id: 'forwarding',
  title: 'Forwarding overhead (bound session, 1 KiB bodies)',
  timeoutMs: 180_000,
  async run(ctx) {
    const durationSec = ctx.count(10, 4);
    const emulator = await ctx.startEmulator({
      pools: [{ name: POOL, image: ctx.images.echo, ready: 1, max: 2, cpu: 2, memory: '1Gi' }],
      recording: 'off',
    });
    if (emulator.recordingPaused) ctx.note('request recording (on by default in the CLI) was paused: the recording scenario measures what it adds.');
    await emulator.waitForPool(POOL, (c) => c.ready >= 1, 'a ready session', 60_000, ctx.signal);
    const session = await bindEchoSession(ctx, emulator, POOL, IDENTIFIER, '/echo');
    const plain = await startServiceChild<{ port: number }>('plain-proxy', { target: `http://${session.ip}:8080` }, ctx.signal);
    const pipe = await startServiceChild<{ port: number }>('tcp-pipe', { host: session.ip, port: 8080 }, ctx.signal);
    const haproxy = await startHaproxy({ host: session.ip, port: 8080 }, ctx.signal);
    if (!haproxy) ctx.note('HAProxy is not installed: the C reference proxy was not measured (Debian: apt-get install haproxy).');
    try {
      const { pathname, search } = new URL(session.direct);
      const plainUrl = `http://127.0.0.1:${plain.info.port}${pathname}${search}`;
      const pipeUrl = `http://127.0.0.1:${pipe.info.port}${pathname}${search}`;
      const haproxyUrl = haproxy ? `http://127.0.0.1:${haproxy.port}${pathname}${search}` : undefined;
      ctx.log(`autocannon ${CONNECTIONS} connections × ${durationSec} s: direct`);
      const direct = await loadRun(ctx, session.direct, session, 0, durationSec);
      ctx.log('autocannon: through the reference Node proxy');
      const reference = await loadRun(ctx, plainUrl, session, plain.child.pid ?? 0, durationSec);
      ctx.log('autocannon: through a Node byte pipe (no HTTP)');
      const bytePipe = await loadRun(ctx, pipeUrl, session, pipe.child.pid ?? 0, durationSec);
      let haproxyRun: LoadRun | undefined;
      if (haproxy && haproxyUrl) {
        ctx.log(`autocannon: through HAProxy ${haproxy.version} (one thread)`);
        haproxyRun = await loadRun(ctx, haproxyUrl, session, haproxy.pid, durationSec);
      }
      ctx.log('autocannon: through the emulator');
      const proxied = await loadRun(ctx, session.viaEmulator, session, emulator.pid, durationSec);
      ctx.log('unloaded latency: one connection, alternating rounds');
      const latency = await runLoadChild<LatencyOutput>(
        'latency',
        {
          targets: [
            { name: 'direct', url: session.direct },
            { name: 'reference', url: plainUrl },
            ...(haproxyUrl ? [{ name: 'haproxy', url: haproxyUrl }] : []),
            { name: 'emulator', url: session.viaEmulator },
          ],
          method: 'POST',
          bodyBytes: BODY_BYTES,
          rounds: ctx.count(6, 2),
          roundMs: 600,
          warmup: 200,
        } satisfies LatencyInput,
        90_000,
        ctx.signal,
      );
      report(ctx, { direct, reference, bytePipe, haproxy: haproxyRun, proxied, latency, durationSec });
    } finally {
      plain.child.kill('SIGKILL');
      pipe.child.kill('SIGKILL');
      haproxy?.stop();
    }
  },
};

interface Figures {
  direct: LoadRun;
  reference: LoadRun;
  /** A Node TCP pipe per connection: the runtime's own floor. */
  bytePipe: LoadRun;
  /** HAProxy on one thread, when installed. */
  haproxy?: LoadRun;
  proxied: LoadRun;
  latency: LatencyOutput;
  durationSec: number;
}

function report(ctx: ScenarioContext, { direct, reference, bytePipe, haproxy, proxied, latency, durationSec }: Figures): void {
  const runs = [['direct', direct.load], ['reference proxy', reference.load], ['byte pipe', bytePipe.load], ['HAProxy', haproxy?.load], ['emulator', proxied.load]] as const;
  for (const [name, r] of runs) {
    if (!r) continue;
    if (r.errors || r.non2xx || r.timeouts) ctx.note(`${name}: ${r.errors} errors, ${r.non2xx} non-2xx, ${r.timeouts} timeouts`);
  }
  const directLatency = latency.direct;
  const referenceLatency = latency.reference;
  const proxiedLatency = latency.emulator;
  if (!directLatency || !proxiedLatency || !referenceLatency) throw new Error('the latency child returned no figures');
  const ratio = (r: LoadRun): number => round((r.load.rps / direct.load.rps) * 100, 1);

  ctx.record({
    name: `throughput through the emulator (${CONNECTIONS} connections)`,
    unit: 'req/s',
    value: round(proxied.load.rps, 0),
    baseline: { label: 'direct to the container', value: round(direct.load.rps, 0) },
  });
  ctx.record({
    name: 'throughput ratio emulator / direct',
    unit: '%',
    value: ratio(proxied),
    target: { op: '>=', value: 70, text: '≥ 70 %' },
  });
  ctx.record({
    name: 'throughput ratio, reference Node proxy / direct',
    unit: '%',
    value: ratio(reference),
    note: 'information: a 60-line keep-alive proxy on the same stack (node:http server, undici pool)',
  });
  ctx.record({
    name: 'throughput ratio, Node byte pipe (no HTTP) / direct',
    unit: '%',
    value: ratio(bytePipe),
    note: `information: the floor for anything written on Node — sockets piped per connection, no parsing; CPU ${bytePipe.cpuPerRequestUs.proxy} µs per request`,
  });
  if (haproxy) {
    ctx.record({
      name: 'throughput ratio, HAProxy (C, one thread) / direct',
      unit: '%',
      value: ratio(haproxy),
      note: `information: the ceiling for any proxy sharing this machine's cores with the generator and the session; HAProxy CPU ${haproxy.cpuPerRequestUs.proxy} µs per request`,
    });
  }
  ctx.record({
    name: 'p50 added, one connection (emulator − direct)',
    unit: 'ms',
    value: round(proxiedLatency.p50 - directLatency.p50),
    baseline: { label: 'direct p50', value: round(directLatency.p50) },
    target: { op: '<=', value: 0.5, text: '≤ 0.5 ms' },
    note: `reference proxy adds ${round(referenceLatency.p50 - directLatency.p50)} ms${latency.haproxy ? `, HAProxy ${round(latency.haproxy.p50 - directLatency.p50)} ms` : ''}`,
  });
  ctx.record({
    name: `p50 under load (${CONNECTIONS} connections)`,
    unit: 'ms',
    value: proxied.load.latencyMs.p50,
    baseline: { label: 'direct', value: direct.load.latencyMs.p50 },
    note: `p99 ${proxied.load.latencyMs.p99} ms vs ${direct.load.latencyMs.p99} ms`,
  });
  const cpu = (r: LoadRun): string =>
    `generator ${r.cpuPerRequestUs.generator}, session ${r.cpuPerRequestUs.session}, proxy ${r.cpuPerRequestUs.proxy}; machine ${round(r.machineBusy * 100, 0)} % busy`;
  ctx.record({
    name: 'emulator CPU per proxied request',
    unit: 'µs',
    value: proxied.cpuPerRequestUs.proxy,
    baseline: { label: 'reference Node proxy', value: reference.cpuPerRequestUs.proxy },
    note: `µs per request — direct: ${cpu(direct)}; reference: ${cpu(reference)}; byte pipe: ${cpu(bytePipe)}; ${haproxy ? `HAProxy: ${cpu(haproxy)}; ` : ''}emulator: ${cpu(proxied)}`,
  });
  ctx.note(
    `autocannon (its own process) ${CONNECTIONS} connections, ${durationSec} s after an untimed 2 s run per side; the session may use 2 cores. CPU per request comes from the generator itself, the session's cgroup and the proxy's /proc/<pid>/stat. When the machine is 100 % busy, throughput follows the total CPU per request of all parties.`,
  );
  ctx.detail('autocannon', { direct, reference, bytePipe, ...(haproxy ? { haproxy } : {}), emulator: proxied });
  ctx.detail('latencyOneConnection', latency);
}
