import { waitForPort, type BaselineContainerOptions } from '../lib/docker.js';
import { header, timedRequest } from '../lib/http-client.js';
import { median, round } from '../lib/stats.js';
import type { Scenario, ScenarioContext } from '../lib/types.js';

const POOL = 'cold';

/** `docker run` (or create + start over the API) → the target port accepts a connection, in ms. */
async function baselineStart(ctx: ScenarioContext, how: 'cli' | 'api', options: BaselineContainerOptions): Promise<number> {
  const started = performance.now();
  const id = how === 'cli' ? await ctx.docker.cliRun(options, ctx.signal) : await ctx.docker.apiRun(options);
  try {
    const ip = await ctx.docker.ipOf(id);
    await waitForPort(ip, 8080, 60_000, ctx.signal);
    return performance.now() - started;
  } finally {
    await ctx.docker.remove([id]);
  }
}

/**
 * Scenario 4. A pool of the echo image with max 2 and ready 1, both slots taken: stopping one session
 * frees a slot, the pool starts one container to refill, and the next new identifier waits for exactly
 * that container, alone (no second start competes). Interleaved with the same image started by
 * `docker run` (and by create + start over the engine API) with the same limits, each polled every
 * 5 ms until its port accepts a connection.
 */
export const coldScenario: Scenario = {
  id: 'cold',
  title: 'Cold allocation (no ready session)',
  timeoutMs: 180_000,
  async run(ctx) {
    const runs = ctx.count(7, 2);
    const emulator = await ctx.startEmulator({ pools: [{ name: POOL, image: ctx.images.echo, ready: 1, max: 2 }] });
    const settled = (): Promise<unknown> =>
      emulator.waitForPool(POOL, (c) => c.ready >= 1 && c.starting === 0, 'a ready session', 90_000, ctx.signal);
    await settled();
    const bind = async (identifier: string): Promise<string> => {
      const response = await timedRequest(emulator.url(POOL, '/health', identifier));
      if (response.status !== 200) throw new Error(`${identifier} answered ${response.status}: ${response.body}`);
      return header(response, 'x-sessionite-allocation');
    };
    await bind('cold-hold-a');
    await settled();
    await bind('cold-hold-b');
    const counts = await emulator.counts(POOL);
    if (counts.ready !== 0 || counts.starting !== 0) throw new Error(`expected a full pool, got ${JSON.stringify(counts)}`);

    const options: BaselineContainerOptions = { image: ctx.images.echo, cpu: 0.25, memoryBytes: 512 * 1024 * 1024 };
    const cli: number[] = [];
    const api: number[] = [];
    const cold: number[] = [];
    const kinds: string[] = [];
    const sessions: string[] = [];
    let previous = 'cold-hold-a';
    for (let i = 0; i < runs; i++) {
      ctx.log(`run ${i + 1}/${runs}: docker run, engine API, emulator`);
      cli.push(await baselineStart(ctx, 'cli', options));
      api.push(await baselineStart(ctx, 'api', options));
      await emulator.stopSession(POOL, previous);
      const identifier = `cold-${i}`;
      const response = await timedRequest(emulator.url(POOL, '/health', identifier), { timeoutMs: 90_000 });
      if (response.status !== 200) throw new Error(`${identifier} answered ${response.status}: ${response.body}`);
      kinds.push(header(response, 'x-sessionite-allocation'));
      sessions.push(header(response, 'x-sessionite-session'));
      cold.push(response.ms);
      previous = identifier;
    }

    const coldMedian = median(cold);
    const cliMedian = median(cli);
    ctx.record({
      name: 'cold allocation, median',
      unit: 'ms',
      value: round(coldMedian, 0),
      baseline: { label: '`docker run` → port ready, median', value: round(cliMedian, 0) },
      note: `max ${round(Math.max(...cold), 0)} ms`,
    });
    ctx.record({
      name: 'cold allocation − `docker run` (medians)',
      unit: 'ms',
      value: round(coldMedian - cliMedian, 0),
      target: { op: '<=', value: 100, text: '≤ +100 ms' },
    });
    ctx.record({
      name: 'create + start over the engine API → port ready, median',
      unit: 'ms',
      value: round(median(api), 0),
      note: 'information: the calls the emulator makes, without the CLI',
    });
    // Where the emulator's time went: its own create → port-ready time for each cold session.
    const events = await emulator.recentEvents().catch(() => []);
    const coldIds = new Set(sessions);
    const startMs = events.filter((e) => e.type === 'session.ready' && coldIds.has(e.sessionId ?? '')).map((e) => e.startMs ?? Number.NaN);
    if (startMs.length) {
      ctx.record({
        name: "emulator's own container start → port ready, median",
        unit: 'ms',
        value: round(median(startMs), 0),
        note: 'information: from its session.ready events; the rest of the cold figure is the request path',
      });
    }
    const coldCount = kinds.filter((k) => k === 'cold').length;
    ctx.record({ name: 'requests that waited for a start (x-sessionite-allocation: cold)', unit: '', value: coldCount, target: { op: '==', value: runs, text: `all ${runs}` } });
    ctx.note(
      `${runs} interleaved runs, echo image (Node) limited to 0.25 CPU and 0.5 GiB on both sides. The refill that the request waits for is started by the preceding stopSession a few ms before the request is sent, so the cold figure can be low by that much.`,
    );
    ctx.detail('coldMs', cold.map((x) => round(x, 1)));
    ctx.detail('dockerRunMs', cli.map((x) => round(x, 1)));
    ctx.detail('engineApiMs', api.map((x) => round(x, 1)));
    ctx.detail('emulatorStartMs', startMs);
  },
};
