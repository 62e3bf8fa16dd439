import type Dockerode from 'dockerode';
import type { ContainerStats } from './types.js';

/** The parts of the engine's `/containers/{id}/stats` answer that `toContainerStats` reads. */
export interface EngineStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: {
    usage?: number;
    limit?: number;
    stats?: { inactive_file?: number; total_inactive_file?: number };
  };
}

/** cgroup limits the engine reports for "no limit" are near 2^63 (v1) or the host's memory (v2). */
const UNLIMITED = 2 ** 62;

/**
 * The engine's one-shot stats → counters. Memory excludes the inactive page cache, as `docker stats`
 * does (cgroup v2 calls it `inactive_file`, v1 `total_inactive_file`). A stopped container answers
 * with a zero read time and no counters: undefined.
 */
export function toContainerStats(raw: EngineStats): ContainerStats | undefined {
  const readAt = raw.read ? Date.parse(raw.read) : NaN;
  const cpuNs = raw.cpu_stats?.cpu_usage?.total_usage;
  const usage = raw.memory_stats?.usage;
  if (!Number.isFinite(readAt) || readAt <= 0 || cpuNs === undefined || usage === undefined) return undefined;
  const inactive =
    raw.memory_stats?.stats?.inactive_file ?? raw.memory_stats?.stats?.total_inactive_file ?? 0;
  const limit = raw.memory_stats?.limit;
  return {
    readAt,
    cpuNs,
    memoryBytes: inactive < usage ? usage - inactive : usage,
    ...(limit !== undefined && limit > 0 && limit < UNLIMITED ? { memoryLimitBytes: limit } : {}),
  };
}

/** One reading without the engine's one-second second sample (`one-shot`); rates come from two readings. */
export async function readContainerStats(docker: Dockerode, id: string): Promise<ContainerStats | undefined> {
  const raw = await docker.getContainer(id).stats({ stream: false, 'one-shot': true });
  return toContainerStats(raw);
}
