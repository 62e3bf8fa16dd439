import { Agent, request } from 'node:http';
import { childInput, childOutput } from '../lib/children.js';
import { summarize, type Summary } from '../lib/stats.js';

/**
 * Unloaded latency: one keep-alive connection per target, one request at a time, timed with
 * `performance.now()` (sub-millisecond). Targets alternate in short rounds so that drifting machine
 * load affects them alike.
 */

export interface LatencyInput {
  targets: { name: string; url: string }[];
  method: 'GET' | 'POST';
  bodyBytes: number;
  rounds: number;
  roundMs: number;
  /** Untimed requests per target before the first round. */
  warmup: number;
}

export type LatencyOutput = Record<string, Summary>;

function once(url: URL, method: string, body: Buffer | undefined, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        agent,
        headers: body ? { 'content-length': String(body.length), 'content-type': 'application/octet-stream' } : {},
      },
      (res) => {
        res.resume();
        res.once('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`))));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const input = childInput<LatencyInput>();
  const body = input.bodyBytes > 0 ? Buffer.alloc(input.bodyBytes, 'x') : undefined;
  const targets = input.targets.map((t) => ({ ...t, parsed: new URL(t.url), agent: new Agent({ keepAlive: true, maxSockets: 1 }), samples: [] as number[] }));
  for (const target of targets) {
    for (let i = 0; i < input.warmup; i++) await once(target.parsed, input.method, body, target.agent);
  }
  for (let round = 0; round < input.rounds; round++) {
    for (const target of targets) {
      const end = performance.now() + input.roundMs;
      while (performance.now() < end) target.samples.push(await once(target.parsed, input.method, body, target.agent));
    }
  }
  const output: LatencyOutput = {};
  for (const target of targets) {
    output[target.name] = summarize(target.samples);
    target.agent.destroy();
  }
  childOutput(output);
}

await main();
