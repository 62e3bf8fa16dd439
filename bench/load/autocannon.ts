import autocannon from 'autocannon';
import { childInput, childOutput } from '../lib/children.js';

/**
 * Sustained load with autocannon in its own process: a short warm-up (connections opened, JIT warm on
 * both sides), then the measured run. Latency percentiles are whole milliseconds (autocannon's
 * histogram); precise unloaded latency comes from `latency.ts`.
 */

export interface AutocannonInput {
  url: string;
  method: 'GET' | 'POST';
  bodyBytes: number;
  connections: number;
  durationSec: number;
  warmupSec: number;
}

export interface AutocannonOutput {
  requests: number;
  rps: number;
  bytesPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  durationSec: number;
  /** CPU this load generator used during the measured run (user + system). */
  cpuSec: number;
}

async function main(): Promise<void> {
  const input = childInput<AutocannonInput>();
  const body = input.bodyBytes > 0 ? Buffer.alloc(input.bodyBytes, 'x') : undefined;
  const options = {
    url: input.url,
    method: input.method,
    body,
    headers: body ? { 'content-type': 'application/octet-stream' } : {},
    connections: input.connections,
  };
  if (input.warmupSec > 0) await autocannon({ ...options, duration: input.warmupSec });
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({ ...options, duration: input.durationSec });
  const cpu = process.cpuUsage(cpuBefore);
  const output: AutocannonOutput = {
    requests: result.requests.total,
    rps: result.requests.total / result.duration,
    bytesPerSec: result.throughput.total / result.duration,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, mean: result.latency.mean },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    durationSec: result.duration,
    cpuSec: (cpu.user + cpu.system) / 1e6,
  };
  childOutput(output);
}

await main();
