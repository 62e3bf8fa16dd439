import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import type { BenchDocker } from './docker.js';

/** What the figures were measured on; printed above the table and stored in the JSON file. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  cgroup: 'v1' | 'v2';
  docker: string;
  node: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverageAtStart: number;
  /** Containers running when the run started (none of them the benchmark's). */
  foreignContainersAtStart: number;
}

function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const match = /^model name\s*:\s*(.+)$/m.exec(info);
    if (match?.[1]) return match[1].trim();
  } catch {
    // not Linux: fall through
  }
  return cpus()[0]?.model ?? 'unknown';
}

export async function describeMachine(docker: BenchDocker): Promise<MachineInfo> {
  const running = await docker.api.listContainers();
  return {
    cpuModel: cpuModel(),
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    cgroup: existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : 'v1',
    docker: await docker.serverVersion(),
    node: process.version,
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    foreignContainersAtStart: running.length,
  };
}

export function machineLine(m: MachineInfo): string {
  return (
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Linux ${m.kernel} (cgroup ${m.cgroup}), ` +
    `Docker ${m.docker}, Node ${m.node}; load average ${m.loadAverageAtStart} and ${m.foreignContainersAtStart} other running containers at start`
  );
}
