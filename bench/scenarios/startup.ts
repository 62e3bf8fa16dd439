import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxHttpd } from '../lib/pool-config.js';
import { median, round } from '../lib/stats.js';
import type { Scenario } from '../lib/types.js';

function nodeStartMs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now() - started));
  });
}

/**
 * Scenario 8. Spawn of `sessionite start` to its JSON ready line, with one pool whose ready session
 * starts in the background (the ready line does not wait for it). A fresh data folder (first start:
 * the local CA and keys are made) and a reused one (every later start) are timed separately; the
 * baseline is the start-up of a bare `node -e ''`.
 */
export const startupScenario: Scenario = {
  id: 'startup',
  title: 'Start-up: process start to ready line',
  timeoutMs: 240_000,
  async run(ctx) {
    const runs = ctx.count(5, 2);
    const pools = [busyboxHttpd({ name: 'startup', ready: 1, max: 2 }, ctx.images.busybox)];
    const nodeRuns: number[] = [];
    for (let i = 0; i < runs; i++) nodeRuns.push(await nodeStartMs());

    const fresh: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < Math.min(3, runs); i++) {
      const emulator = await ctx.startEmulator({ pools });
      fresh.push(emulator.readyMs);
      await emulator.stop();
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'sessionite-bench-startup-'));
    const reused: number[] = [];
    try {
      // The first start makes the data folder's keys; the timed ones find them.
      await (await ctx.startEmulator({ pools, dataDir })).stop();
      for (let i = 0; i < runs; i++) {
        const emulator = await ctx.startEmulator({ pools, dataDir });
        reused.push(emulator.readyMs);
        cpu.push(emulator.readyCpuSec * 1000);
        await emulator.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
    const nodeMedian = round(median(nodeRuns), 0);
    ctx.record({
      name: `ready line, existing data folder (median of ${reused.length})`,
      unit: 'ms',
      value: round(median(reused), 0),
      baseline: { label: "`node -e ''`, median", value: nodeMedian },
      target: { op: '<=', value: 1500, text: '≤ 1500 ms' },
    });
    ctx.record({
      name: `ready line, new data folder (median of ${fresh.length})`,
      unit: 'ms',
      value: round(median(fresh), 0),
      baseline: { label: "`node -e ''`, median", value: nodeMedian },
      target: { op: '<=', value: 1500, text: '≤ 1500 ms' },
    });
    ctx.record({
      name: 'CPU used up to the ready line, existing data folder (median)',
      unit: 'ms',
      value: round(median(cpu), 0),
      note: 'information: less sensitive to other load than wall time; mostly loading modules',
    });
    ctx.note('the ready line does not wait for ready sessions; it does wait (at most 2 s) for the first engine ping.');
    ctx.detail('readyMs', { fresh: fresh.map((x) => round(x, 0)), reused: reused.map((x) => round(x, 0)), node: nodeRuns.map((x) => round(x, 0)) });
    ctx.detail('readyCpuMs', cpu.map((x) => round(x, 0)));
  },
};
