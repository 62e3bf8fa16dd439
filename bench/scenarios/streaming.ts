import type { StreamInput, StreamOutput } from '../load/stream.js';
import { runLoadChild, startServiceChild } from '../lib/children.js';
import { bindEchoSession, type EchoSession } from '../lib/echo-session.js';
import { busyShare, containerCpuSeconds, cpuSeconds, RssSampler, rssBytes, systemCpuTicks } from '../lib/proc.js';
import { GiB, MiB, round } from '../lib/stats.js';
import type { Scenario, ScenarioContext } from '../lib/types.js';

const POOL = 'stream';
const IDENTIFIER = 'streaming';

type Direction = 'up' | 'down';
type Route = 'direct' | 'reference' | 'emulator';

interface Transfer {
  mibps: number;
  /** CPU seconds per GiB moved: client, session, proxy in between (0 direct). */
  cpuPerGiB: { client: number; session: number; proxy: number };
  machineBusy: number;
  /** Peak RSS growth of the proxy over its RSS before the transfer (bytes); 0 direct. */
  rssGrowth: number;
  rssBefore: number;
}

/**
 * One transfer from a child process, with the CPU every party used and (for a proxy) its RSS
 * sampled every 50 ms.
 */
async function transfer(ctx: ScenarioContext, session: EchoSession, direction: Direction, url: string, bytes: number, proxyPid: number): Promise<Transfer> {
  const rssBefore = proxyPid ? rssBytes(proxyPid) : 0;
  const sampler = proxyPid ? new RssSampler(proxyPid, 50) : undefined;
  const proxy0 = proxyPid ? cpuSeconds(proxyPid) : 0;
  const session0 = containerCpuSeconds(session.containerId);
  const machine0 = systemCpuTicks();
  let result: StreamOutput;
  let peak = 0;
  try {
    result = await runLoadChild<StreamOutput>('stream', { url, direction, bytes } satisfies StreamInput, 180_000, ctx.signal);
  } finally {
    peak = sampler?.stop().peakBytes ?? 0;
  }
  const received = direction === 'up' ? result.serverBytes : result.bytes;
  if (result.status !== 200 || received !== bytes) throw new Error(`${direction} transfer to ${url} answered ${result.status} with ${received} of ${bytes} bytes`);
  const perGiB = (seconds: number): number => round(seconds / (bytes / GiB), 2);
  return {
    mibps: bytes / MiB / (result.ms / 1000),
    cpuPerGiB: {
      client: perGiB(result.cpuSec ?? Number.NaN),
      session: perGiB(containerCpuSeconds(session.containerId) - session0),
      proxy: perGiB(proxyPid ? cpuSeconds(proxyPid) - proxy0 : 0),
    },
    machineBusy: busyShare(machine0, systemCpuTicks()),
    rssGrowth: proxyPid ? Math.max(0, peak - rssBefore) : 0,
    rssBefore,
  };
}

/**
 * Scenario 3. 1 GiB down (`/download`) and 1 GiB up (`POST /upload`, digested as a stream by the
 * session), straight to the container, through the minimal reference proxy, and through the
 * emulator, one at a time from a child process. The session may use 2 cores.
 */
export const streamingScenario: Scenario = {
  id: 'streaming',
  title: 'Streaming 1 GiB up and down',
  timeoutMs: 300_000,
  async run(ctx) {
    const bytes = ctx.count(GiB, 256 * MiB);
    const emulator = await ctx.startEmulator({
      pools: [{ name: POOL, image: ctx.images.echo, ready: 1, max: 2, cpu: 2, memory: '1Gi' }],
      recording: 'off',
    });
    if (emulator.recordingPaused) ctx.note('request recording (on by default in the CLI) was paused: the recording scenario measures what it adds.');
    await emulator.waitForPool(POOL, (c) => c.ready >= 1, 'a ready session', 60_000, ctx.signal);
    const down = await bindEchoSession(ctx, emulator, POOL, IDENTIFIER, `/download?bytes=${bytes}`);
    const up = await bindEchoSession(ctx, emulator, POOL, IDENTIFIER, '/upload');
    const plain = await startServiceChild<{ port: number }>('plain-proxy', { target: `http://${down.ip}:8080` }, ctx.signal);
    const size = `${round(bytes / GiB, 2)} GiB`;
    const rounds = ctx.count(3, 1);
    const runs: Record<string, Transfer[]> = {};
    try {
      // Rounds alternate the routes, so drifting machine load touches each alike; the median run counts.
      for (let round = 0; round < rounds; round++) {
        for (const [direction, session] of [
          ['down', down],
          ['up', up],
        ] as const) {
          const direct = new URL(session.direct);
          const routes: [Route, string, number][] = [
            ['direct', session.direct, 0],
            ['reference', `http://127.0.0.1:${plain.info.port}${direct.pathname}${direct.search}`, plain.child.pid ?? 0],
            ['emulator', session.viaEmulator, emulator.pid],
          ];
          for (const [route, url, pid] of routes) {
            ctx.log(`${size} ${direction}: ${route} (round ${round + 1}/${rounds})`);
            (runs[`${direction}-${route}`] ??= []).push(await transfer(ctx, session, direction, url, bytes, pid));
          }
        }
      }
    } finally {
      plain.child.kill('SIGKILL');
    }
    const results: Record<string, Transfer> = {};
    for (const [key, list] of Object.entries(runs)) {
      const sorted = [...list].sort((a, b) => a.mibps - b.mibps);
      results[key] = sorted[Math.floor(sorted.length / 2)] as Transfer;
    }
    const growth = Math.max(0, ...[...(runs['down-emulator'] ?? []), ...(runs['up-emulator'] ?? [])].map((t) => t.rssGrowth));

    for (const direction of ['down', 'up'] as const) {
      const direct = results[`${direction}-direct`];
      const reference = results[`${direction}-reference`];
      const proxied = results[`${direction}-emulator`];
      if (!direct || !reference || !proxied) throw new Error('a transfer is missing');
      const cpu = (t: Transfer): string =>
        `client ${t.cpuPerGiB.client}, session ${t.cpuPerGiB.session}, proxy ${t.cpuPerGiB.proxy} CPU-s/GiB; machine ${round(t.machineBusy * 100, 0)} % busy`;
      ctx.record({
        name: `${direction}load throughput through the emulator`,
        unit: 'MiB/s',
        value: round(proxied.mibps, 0),
        baseline: { label: 'direct to the container', value: round(direct.mibps, 0) },
        note: `reference Node proxy ${round(reference.mibps, 0)} MiB/s`,
      });
      ctx.record({
        name: `${direction}load ratio emulator / direct`,
        unit: '%',
        value: round((proxied.mibps / direct.mibps) * 100, 1),
        target: { op: '>=', value: 50, text: '≥ 50 %' },
        note: `reference proxy ${round((reference.mibps / direct.mibps) * 100, 1)} %; emulator per round: ${(runs[`${direction}-emulator`] ?? []).map((t, i) => `${round((t.mibps / ((runs[`${direction}-direct`] ?? [])[i]?.mibps ?? Number.NaN)) * 100, 0)} %`).join(', ')}`,
      });
      ctx.record({
        name: `${direction}load: emulator CPU per GiB`,
        unit: 'CPU-s',
        value: proxied.cpuPerGiB.proxy,
        baseline: { label: 'reference Node proxy', value: reference.cpuPerGiB.proxy },
        note: `direct: ${cpu(direct)}; emulator: ${cpu(proxied)}`,
      });
    }
    ctx.record({
      name: 'emulator RSS growth during the transfers',
      unit: 'MiB',
      value: round(growth / MiB, 1),
      baseline: { label: 'RSS before the transfer', value: round((results['down-emulator']?.rssBefore ?? Number.NaN) / MiB, 1) },
      target: { op: '<=', value: 64, text: '≤ 64 MiB' },
    });
    ctx.note(`transfers of ${size} each from a child process, one at a time, ${rounds} alternating round(s), median run per route; the session may use 2 cores; RSS sampled every 50 ms (growth: the largest of any run).`);
    ctx.detail('transfers', runs);
  },
};
