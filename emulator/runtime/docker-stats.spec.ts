import { describe, expect, it } from 'vitest';
import { toContainerStats } from './docker-stats.js';

describe('toContainerStats', () => {
  it('reads CPU time and memory without the inactive page cache (cgroup v2)', () => {
    expect(
      toContainerStats({
        read: '2026-01-02T03:04:05.5Z',
        cpu_stats: { cpu_usage: { total_usage: 1_500_000_000 } },
        memory_stats: {
          usage: 100 * 1024 * 1024,
          limit: 512 * 1024 * 1024,
          stats: { inactive_file: 20 * 1024 * 1024 },
        },
      }),
    ).toEqual({
      readAt: Date.parse('2026-01-02T03:04:05.5Z'),
      cpuNs: 1_500_000_000,
      memoryBytes: 80 * 1024 * 1024,
      memoryLimitBytes: 512 * 1024 * 1024,
    });
  });

  it('uses cgroup v1 names and leaves out a limit that means "unlimited"', () => {
    const stats = toContainerStats({
      read: '2026-01-02T03:04:05Z',
      cpu_stats: { cpu_usage: { total_usage: 7 } },
      memory_stats: { usage: 1000, limit: 2 ** 63 - 1, stats: { total_inactive_file: 300 } },
    });
    expect(stats).toMatchObject({ cpuNs: 7, memoryBytes: 700 });
    expect(stats).not.toHaveProperty('memoryLimitBytes');
  });

  it('answers undefined for a stopped container (zero read time, no counters)', () => {
    expect(
      toContainerStats({ read: '0001-01-01T00:00:00Z', cpu_stats: {}, memory_stats: {} }),
    ).toBeUndefined();
    expect(toContainerStats({})).toBeUndefined();
  });
});
