import { spawn } from 'node:child_process';
import { LABELS } from '../../emulator/pool/context.js';
import { keepAliveAgent, mapLimit, sleep, timedRequest } from '../lib/http-client.js';
import { busyboxHttpd } from '../lib/pool-config.js';
import { cpuSeconds, RssSampler } from '../lib/proc.js';
import { MiB, round } from '../lib/stats.js';
import type { Scenario } from '../lib/types.js';

const POOL = 'scale';

/**
 * Scenario 7. 300 allocated, idle sessions (busybox httpd keeps the containers small). Then the
 * emulator is left alone for the idle window: its CPU time (utime + stime) over the window and its
 * peak RSS are read from /proc. Baselines in the same run: the emulator's own RSS before any
 * allocation, and the CPU an idle `node` process uses over the same window.
 */
export const scaleScenario: Scenario = {
  id: 'scale',
  title: 'Scale: 300 idle sessions',
  timeoutMs: 480_000,
  async run(ctx) {
    const count = ctx.count(300, 60);
    const idleSeconds = ctx.options.quick ? Math.min(ctx.options.idleSeconds, 10) : ctx.options.idleSeconds;
    const emulator = await ctx.startEmulator({
      pools: [busyboxHttpd({ name: POOL, ready: 16, max: count }, ctx.images.busybox)],
      limits: { allocationTimeoutMs: 600_000 },
    });
    await emulator.waitForPool(POOL, (c) => c.ready >= 16 && c.starting === 0, 'the ready sessions', 120_000, ctx.signal);
    const rssBefore = emulator.rssBytes();

    ctx.log(`allocating ${count} sessions (32 requests in flight)`);
    const agent = keepAliveAgent();
    const started = performance.now();
    const statuses = await mapLimit(Array.from({ length: count }), 32, async (_, i) => {
      const response = await timedRequest(emulator.url(POOL, '/', `scale-${i}`), { agent, timeoutMs: 600_000 });
      return response.status;
    });
    const allocationSeconds = (performance.now() - started) / 1000;
    agent.destroy();
    const failed = statuses.filter((s) => s !== 200).length;
    if (failed) throw new Error(`${failed} of ${count} allocations failed (statuses: ${[...new Set(statuses)].join(', ')})`);
    const sessions = await emulator.sessionCount(POOL);
    const containers = await ctx.docker.countContainers({ [LABELS.instance]: emulator.instanceId, [LABELS.pool]: POOL });

    // Let the allocation burst's garbage and sockets settle before the window opens.
    await sleep(3000, ctx.signal);
    ctx.log(`idle window: ${idleSeconds} s`);
    const idleNode = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
    await sleep(500, ctx.signal);
    const sampler = new RssSampler(emulator.pid, 1000);
    const cpu0 = emulator.cpuSeconds();
    const node0 = cpuSeconds(idleNode.pid ?? 0);
    const t0 = performance.now();
    try {
      await sleep(idleSeconds * 1000, ctx.signal);
    } finally {
      idleNode.kill('SIGKILL');
    }
    const window = (performance.now() - t0) / 1000;
    const cpu = (emulator.cpuSeconds() - cpu0) / window;
    const nodeCpu = (cpuSeconds(idleNode.pid ?? 0) - node0) / window;
    const { peakBytes } = sampler.stop();

    ctx.record({
      name: `emulator RSS with ${sessions} idle sessions (peak in the window)`,
      unit: 'MiB',
      value: round(peakBytes / MiB, 1),
      baseline: { label: 'the same emulator before allocating (16 ready)', value: round(rssBefore / MiB, 1) },
      target: { op: '<=', value: 200, text: '≤ 200 MiB' },
    });
    ctx.record({
      name: `emulator CPU over ${round(window, 0)} s idle`,
      unit: '% of a core',
      value: round(cpu * 100, 2),
      baseline: { label: 'an idle `node` process, same window', value: Number.isFinite(nodeCpu) ? round(nodeCpu * 100, 2) : null },
      target: { op: '<=', value: 2, text: '≤ 2 %' },
    });
    ctx.record({ name: 'allocated sessions (listSessions)', unit: '', value: sessions, target: { op: '==', value: count, text: `${count}` } });
    ctx.record({ name: `time to allocate ${count} sessions`, unit: 's', value: round(allocationSeconds, 1), note: `${containers} containers of the pool on the engine` });
    if (idleSeconds < 60) ctx.note(`idle window ${idleSeconds} s instead of the issue's 60 s, to keep the run within a few minutes (--idle-seconds 60 for the full figure).`);
    ctx.note('CPU is utime + stime from /proc/<pid>/stat (10 ms ticks).');
  },
};
