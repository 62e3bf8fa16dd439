import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Resource use of another process, read from /proc (Linux only): resident memory from
 * /proc/<pid>/status and CPU time from the utime + stime fields of /proc/<pid>/stat.
 */

let clockTicks: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`; 100 on every common Linux). */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Resident set size in bytes, or NaN when the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** User + system CPU time in seconds, or NaN when the process is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields from 3 on; utime is field 14 and stime field 15 (1-based) → indexes 11 and 12 here.
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / ticksPerSecond();
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's RSS at an interval and keeps the peak; stop() returns the samples' summary. */
export class RssSampler {
  private peak = 0;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 50,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    const rss = rssBytes(this.pid);
    if (Number.isFinite(rss)) {
      this.peak = Math.max(this.peak, rss);
      this.samples++;
    }
  }

  stop(): { peakBytes: number; samples: number } {
    clearInterval(this.timer);
    this.sample();
    return { peakBytes: this.peak, samples: this.samples };
  }
}

/** Busy and total jiffies of the whole machine (first line of /proc/stat). */
export function systemCpuTicks(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, v) => sum + (Number.isFinite(v) ? v : 0), 0);
    // idle + iowait are fields 4 and 5.
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

/** Share of all cores that was busy between two `systemCpuTicks()` readings (0–1). */
export function busyShare(before: { busy: number; total: number }, after: { busy: number; total: number }): number {
  return (after.busy - before.busy) / (after.total - before.total);
}

/** CPU seconds a container has used, from its cgroup (v1 cgroupfs/systemd, or v2); NaN when not found. */
export function containerCpuSeconds(containerId: string): number {
  const candidates: [string, (text: string) => number][] = [
    [`/sys/fs/cgroup/cpuacct/docker/${containerId}/cpuacct.usage`, (t) => Number(t) / 1e9],
    [`/sys/fs/cgroup/cpuacct/system.slice/docker-${containerId}.scope/cpuacct.usage`, (t) => Number(t) / 1e9],
    [`/sys/fs/cgroup/docker/${containerId}/cpu.stat`, usageUsec],
    [`/sys/fs/cgroup/system.slice/docker-${containerId}.scope/cpu.stat`, usageUsec],
  ];
  for (const [path, parse] of candidates) {
    try {
      return parse(readFileSync(path, 'utf8'));
    } catch {
      // try the next layout
    }
  }
  return Number.NaN;
}

function usageUsec(text: string): number {
  const match = /^usage_usec (\d+)$/m.exec(text);
  return match?.[1] ? Number(match[1]) / 1e6 : Number.NaN;
}
