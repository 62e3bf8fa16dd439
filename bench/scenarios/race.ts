import { LABELS } from '../../emulator/pool/context.js';
import type { EmulatorProcess } from '../lib/emulator-process.js';
import { header, keepAliveAgent, timedRequest } from '../lib/http-client.js';
import { busyboxHttpd } from '../lib/pool-config.js';
import { percentile, round } from '../lib/stats.js';
import type { Scenario, ScenarioContext } from '../lib/types.js';

const POOL = 'race';
const CONCURRENT = 100;

interface RaceOutcome {
  ok: number;
  sessions: number;
  kinds: Record<string, number>;
  p50: number;
  p99: number;
}

/** Fires `CONCURRENT` first requests for one identifier at once, each on its own connection. */
async function race(emulator: EmulatorProcess, identifier: string): Promise<RaceOutcome> {
  const agent = keepAliveAgent();
  try {
    const url = emulator.url(POOL, '/', identifier);
    const responses = await Promise.all(Array.from({ length: CONCURRENT }, () => timedRequest(url, { agent, timeoutMs: 90_000 })));
    const kinds: Record<string, number> = {};
    for (const r of responses) {
      const kind = header(r, 'x-sessionite-allocation') || String(r.status);
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
    const ms = responses.map((r) => r.ms);
    return {
      ok: responses.filter((r) => r.status === 200).length,
      sessions: new Set(responses.map((r) => header(r, 'x-sessionite-session'))).size,
      kinds,
      p50: percentile(ms, 50),
      p99: percentile(ms, 99),
    };
  } finally {
    agent.destroy();
  }
}

/** Containers of the pool on the engine minus the ones the pool accounts for (allocated, ready, starting). */
async function unaccounted(ctx: ScenarioContext, emulator: EmulatorProcess): Promise<number> {
  const counts = await emulator.waitForPool(POOL, (c) => c.starting === 0, 'starts to finish', 60_000, ctx.signal);
  const onEngine = await ctx.docker.countContainers({ [LABELS.instance]: emulator.instanceId, [LABELS.pool]: POOL });
  return onEngine - (counts.allocated + counts.ready);
}

/**
 * Scenario 6. 100 concurrent first requests for one identifier, twice: when no session is ready (the
 * ready one was just taken, so all 100 wait for the refill) and when one is. Exactly one session may
 * answer them, `listSessions` must grow by one, and the engine must hold no container the pool does
 * not account for.
 */
export const raceScenario: Scenario = {
  id: 'race',
  title: `Race: ${CONCURRENT} concurrent first requests for one identifier`,
  timeoutMs: 150_000,
  async run(ctx) {
    const emulator = await ctx.startEmulator({ pools: [busyboxHttpd({ name: POOL, ready: 1, max: 5 }, ctx.images.busybox)] });
    const settled = (): Promise<unknown> =>
      emulator.waitForPool(POOL, (c) => c.ready >= 1 && c.starting === 0, 'a ready session', 60_000, ctx.signal);
    await settled();
    const taker = await timedRequest(emulator.url(POOL, '/', 'race-taker'));
    if (taker.status !== 200) throw new Error(`race-taker answered ${taker.status}`);
    const cold = await race(emulator, 'race-cold');
    const coldExtra = await unaccounted(ctx, emulator);
    await settled();
    const warm = await race(emulator, 'race-warm');
    const warmExtra = await unaccounted(ctx, emulator);
    const sessions = await emulator.sessionCount(POOL);

    for (const [name, outcome, extra] of [
      ['no session ready', cold, coldExtra],
      ['a session ready', warm, warmExtra],
    ] as const) {
      ctx.record({
        name: `sessions answering the identifier (${name})`,
        unit: '',
        value: outcome.sessions,
        target: { op: '==', value: 1, text: 'exactly 1' },
        note: `${outcome.ok}/${CONCURRENT} succeeded; ${Object.entries(outcome.kinds)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}; p50 ${round(outcome.p50, 1)} ms, p99 ${round(outcome.p99, 1)} ms`,
      });
      ctx.record({ name: `successful requests (${name})`, unit: '', value: outcome.ok, target: { op: '==', value: CONCURRENT, text: `${CONCURRENT}` } });
      ctx.record({ name: `containers the pool does not account for (${name})`, unit: '', value: extra, target: { op: '==', value: 0, text: '0' } });
    }
    ctx.record({ name: 'listSessions count afterwards', unit: '', value: sessions, target: { op: '==', value: 3, text: '3 (taker + 2 raced identifiers)' } });
    ctx.detail('race', { cold, warm });
  },
};
