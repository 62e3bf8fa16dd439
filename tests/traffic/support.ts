import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Clock } from '../../emulator/clock.js';
import type { AuthSettings, EmulatorExtension } from '../../emulator/emulator.js';
import type { PoolSpec } from '../../emulator/pool/spec.js';
import type { ContainerRuntime } from '../../emulator/runtime/types.js';
import { createTrafficExtension, type TrafficExtension, type TrafficOptions } from '../../emulator/traffic/index.js';
import { REQUESTS_API_PATH, type ExchangeRecord, type RecordSummary } from '../../emulator/traffic/types.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import { startEmulator, until, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';

export interface TrafficHarness extends Harness {
  traffic: TrafficExtension;
  runtime: ContainerRuntime;
  /** The recorder's folder (`<traffic data dir>/traffic`): what must never contain a secret. */
  trafficDir: string;
  /** Calls the requests API (JSON in and out). */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; text: string; headers: Headers }>;
  /** The next `n` records stored, in order. */
  nextRecords(n: number): Promise<RecordSummary[]>;
  /** The full record of the newest exchange matching `predicate` (after everything captured is stored). */
  latest(predicate?: (s: RecordSummary) => boolean): Promise<ExchangeRecord>;
}

export async function startTraffic(
  options: {
    pools?: PoolSpec[];
    runtime?: ContainerRuntime;
    auth?: AuthSettings;
    clock?: Clock;
    traffic?: Partial<TrafficOptions>;
    /** Extensions after the recorder (ARM, admin …). */
    extensions?: EmulatorExtension[];
  } = {},
): Promise<TrafficHarness> {
  const runtime = options.runtime ?? new FakeRuntime();
  const dataDir = options.traffic?.dataDir ?? (await mkdtemp(join(tmpdir(), 'sessionite-traffic-')));
  const ext = createTrafficExtension({ ...options.traffic, dataDir });
  const pools = options.pools ?? [testPool('p1', 'img:1', { maxConcurrentSessions: 20, readySessionInstances: 1 })];
  const harness = await startEmulator({ pools, runtime, auth: options.auth, clock: options.clock, extensions: [ext, ...(options.extensions ?? [])] });
  await until(harness.emulator, () => harness.emulator.listPools().every((p) => p.counts().ready >= 1), 'ready sessions');
  const api: TrafficHarness['api'] = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${harness.emulator.httpUrl}${REQUESTS_API_PATH}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed as T, text, headers: response.headers };
  };
  return {
    ...harness,
    trafficDir: join(dataDir, 'traffic'),
    async stop() {
      await harness.stop();
      if (!options.traffic?.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
    traffic: ext,
    runtime,
    api,
    nextRecords(n) {
      const seen: RecordSummary[] = [];
      return new Promise((resolve) => {
        const stop = ext.onRecord((summary) => {
          seen.push(summary);
          if (seen.length === n) {
            stop();
            resolve(seen);
          }
        });
      });
    },
    async latest(predicate = () => true) {
      await ext.flushed();
      const summary = ext.list({}, 1000).items.find(predicate);
      expect(summary, 'a matching record').toBeDefined();
      const record = await ext.get(summary!.id);
      return record!;
    },
  };
}

/** Every file under `dir` (recursively) with its bytes as latin1 text: secrets must be in none. */
export async function filesUnder(dir: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path, text: (await readFile(path)).toString('latin1') });
  }
  return out;
}
