import { Router, type Request } from 'express';
import type { Emulator } from '../emulator.js';
import type { ContainerStats } from '../runtime/types.js';
import type { SessionStats, SessionStatsResponse } from './contract.js';
import { sendAdminError, sendJson } from './respond.js';
import { withTimeout } from '../util/with-timeout.js';

export interface SessionStatsOptions {
  /** A pool's sessions are read at most this often; callers in between get the last readings. */
  intervalMs?: number;
  /** Engine calls at once. */
  concurrency?: number;
  /** A reading that takes longer is given up (the engine is busy); the session shows no new values. */
  timeoutMs?: number;
  /** Sessions read per round; the ones read longest ago go first, so big pools are covered in turns. */
  maxPerRound?: number;
  now?: () => number;
}

/** What the sampler needs from the emulator: its allocated sessions and their containers' counters. */
export type StatsEmulator = Pick<Emulator, 'getPool' | 'containerStats' | 'runtimeAvailable'>;

interface PoolReadings {
  /** When the last round started (epoch ms, the sampler's clock). */
  at: number;
  round?: Promise<SessionStatsResponse>;
  response?: SessionStatsResponse;
  /** The last counters per container: CPU rates need the previous reading. */
  readings: Map<string, { counters: ContainerStats; view: SessionStats }>;
  /** Containers a round has asked about (a new session gets its first reading without waiting). */
  asked: Set<string>;
}

/**
 * Per-session CPU and memory for the Sessions view. Nothing runs in the background: a round of engine
 * calls happens when the dashboard asks and the pool's last round is older than `intervalMs`, with
 * bounded concurrency and a timeout per call, so a viewer costs at most one round per pool per
 * interval and the data plane never waits for it.
 */
export class SessionStatsSampler {
  private readonly pools = new Map<string, PoolReadings>();
  private readonly intervalMs: number;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly maxPerRound: number;
  private readonly now: () => number;

  constructor(options: SessionStatsOptions = {}) {
    this.intervalMs = options.intervalMs ?? 5000;
    this.concurrency = options.concurrency ?? 4;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.maxPerRound = options.maxPerRound ?? 200;
    this.now = options.now ?? Date.now;
  }

  /** The pool's readings, taking new ones when the last are older than the interval. */
  stats(emulator: StatsEmulator, poolName: string): Promise<SessionStatsResponse> {
    let entry = this.pools.get(poolName);
    if (!entry) {
      entry = { at: 0, readings: new Map(), asked: new Set() };
      this.pools.set(poolName, entry);
    }
    if (entry.round) return entry.round;
    const fresh = entry.response && this.now() - entry.at < this.intervalMs;
    if (fresh && entry.response && !this.hasNewSession(emulator, poolName, entry))
      return Promise.resolve(entry.response);
    const current = entry;
    current.at = this.now();
    current.round = this.round(emulator, poolName, current).finally(() => (current.round = undefined));
    return current.round;
  }

  private hasNewSession(emulator: StatsEmulator, poolName: string, entry: PoolReadings): boolean {
    for (const session of emulator.getPool(poolName)?.allSessions() ?? []) {
      if (session.state === 'allocated' && session.containerId && !entry.asked.has(session.containerId))
        return true;
    }
    return false;
  }

  /** Forgets a pool (deleted): its readings are of containers that no longer exist. */
  forget(poolName: string): void {
    this.pools.delete(poolName);
  }

  private async round(
    emulator: StatsEmulator,
    poolName: string,
    entry: PoolReadings,
  ): Promise<SessionStatsResponse> {
    const respond = (problem: string): SessionStatsResponse => {
      const stats: Record<string, SessionStats> = {};
      for (const { view } of entry.readings.values()) stats[view.sessionId] = view;
      entry.response = { pool: poolName, stats, intervalMs: this.intervalMs, problem };
      return entry.response;
    };
    const pool = emulator.getPool(poolName);
    if (!pool) {
      this.forget(poolName);
      return { pool: poolName, stats: {}, intervalMs: this.intervalMs, problem: '' };
    }
    if (!emulator.runtimeAvailable) return respond('The container engine is not reachable.');

    const live = new Map<string, string>();
    for (const session of pool.allSessions()) {
      if (session.state === 'allocated' && session.containerId) live.set(session.containerId, session.id);
    }
    // Containers that are gone take their readings with them.
    for (const containerId of entry.readings.keys())
      if (!live.has(containerId)) entry.readings.delete(containerId);
    for (const containerId of entry.asked) if (!live.has(containerId)) entry.asked.delete(containerId);
    const due = [...live.keys()]
      .sort(
        (a, b) =>
          (entry.readings.get(a)?.counters.readAt ?? 0) - (entry.readings.get(b)?.counters.readAt ?? 0),
      )
      .slice(0, this.maxPerRound);

    let problem = '';
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < due.length) {
        const containerId = due[next++];
        const sessionId = containerId === undefined ? undefined : live.get(containerId);
        if (containerId === undefined || sessionId === undefined) continue;
        entry.asked.add(containerId);
        try {
          const counters = await withTimeout(
            emulator.containerStats(containerId),
            this.timeoutMs,
            `the engine did not answer within ${this.timeoutMs} ms`,
          );
          if (counters)
            entry.readings.set(containerId, {
              counters,
              view: this.view(sessionId, counters, entry.readings.get(containerId)?.counters),
            });
          else entry.readings.delete(containerId);
        } catch (error) {
          problem ||= error instanceof Error ? error.message : String(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, due.length) }, worker));
    return respond(problem);
  }

  private view(
    sessionId: string,
    counters: ContainerStats,
    previous: ContainerStats | undefined,
  ): SessionStats {
    const elapsedMs = previous ? counters.readAt - previous.readAt : 0;
    const cpuCores =
      previous && elapsedMs > 0 && counters.cpuNs >= previous.cpuNs
        ? (counters.cpuNs - previous.cpuNs) / (elapsedMs * 1e6)
        : null;
    return {
      sessionId,
      cpuCores: cpuCores === null ? null : Math.round(cpuCores * 1000) / 1000,
      memoryBytes: counters.memoryBytes,
      ...(counters.memoryLimitBytes === undefined ? {} : { memoryLimitBytes: counters.memoryLimitBytes }),
      readAt: new Date(counters.readAt).toISOString(),
    };
  }
}

/** `GET /pools/:name/sessions/stats`. */
export function sessionStatsRoute(emulator: Emulator, sampler: SessionStatsSampler): Router {
  const router = Router();
  router.get('/pools/:name/sessions/stats', async (req: Request<{ name: string }>, res) => {
    if (!emulator.getPool(req.params.name)) {
      sampler.forget(req.params.name);
      sendAdminError(res, 404, 'PoolNotFound', `No pool named '${req.params.name}'.`);
      return;
    }
    sendJson<SessionStatsResponse>(res, 200, await sampler.stats(emulator, req.params.name));
  });
  return router;
}
