import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EngineLimits } from '../../emulator/pool/spec.js';
import { getJson, sleep, timedRequest } from './http-client.js';
import { poolConfigText, type BenchPool } from './pool-config.js';
import { cpuSeconds, rssBytes } from './proc.js';

/**
 * The CLI entry. `SESSIONITE_BENCH_BIN` points the children at another entry taking the same
 * arguments (an A/B build of the emulator, or a host that mounts a feature the CLI does not serve yet).
 */
export const BIN = process.env.SESSIONITE_BENCH_BIN || fileURLToPath(new URL('../../bin/sessionite.js', import.meta.url));

export interface EmulatorStartOptions {
  pools: BenchPool[];
  limits?: Partial<EngineLimits>;
  /** Extra Node flags for the child (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Reuse a data folder (start-up runs); a fresh temporary one otherwise. */
  dataDir?: string;
  /** How long to wait for the ready line. */
  readyTimeoutMs?: number;
  /**
   * `off` pauses request recording right after start (where the CLI records; it does by default), so
   * a scenario measures the proxy alone; the `recording` scenario measures what recording adds.
   */
  recording?: 'default' | 'off';
  /** Extra environment for the child (e.g. `SESSIONITE_LOGS_MAX_MB`); the orchestrator's is inherited. */
  env?: Record<string, string>;
}

const REQUESTS_API = '/_sessionite/api/requests';
const EVENTS_API = '/_sessionite/api/events';

/** An engine event as the admin event stream replays it (see `emulator/events.ts`). */
export interface EngineEventRecord {
  type: string;
  time: number;
  pool?: string;
  sessionId?: string;
  startMs?: number;
  waitedMs?: number;
  cold?: boolean;
}

export interface PoolCounts {
  state: string;
  ready: number;
  starting: number;
  allocated: number;
  max: number;
  readyTarget: number;
}

interface ReadyLine {
  event: 'ready';
  http: string;
  pools: Record<string, string>;
}

/** Called with every started child so the run's final sweep knows its pid and instance id. */
export type EmulatorObserver = (emulator: EmulatorProcess) => void;

/**
 * `sessionite start` as a separate process: the real CLI, so the figures include its HTTP stack and
 * its memory and CPU can be read from /proc. Auth is off (token checks are not what is measured).
 */
export class EmulatorProcess {
  readonly stderr: string[] = [];
  instanceId = '';
  ready!: ReadyLine;
  /** Spawn to ready line, in ms. */
  readyMs = 0;
  /** CPU the child had used when its ready line arrived (user + system, seconds). */
  readyCpuSec = 0;
  /** True once `recording: 'off'` paused a recorder the CLI runs. */
  recordingPaused = false;
  private readonly exited: Promise<number | null>;
  private stopped?: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
    private readonly workDir: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > 200) this.stderr.shift();
    });
  }

  static async start(options: EmulatorStartOptions, observe: EmulatorObserver): Promise<EmulatorProcess> {
    const workDir = await mkdtemp(join(tmpdir(), 'sessionite-bench-'));
    const configPath = join(workDir, 'sessionite.yaml');
    await writeFile(configPath, poolConfigText(options.pools, options.limits));
    const dataDir = options.dataDir ?? join(workDir, 'data');
    const args = [...(options.nodeArgs ?? []), BIN, 'start', '--config', configPath, '--port', '0', '--data-dir', dataDir, '--auth', 'off'];
    const started = performance.now();
    const env = options.env ? { ...process.env, ...options.env } : process.env;
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const emulator = new EmulatorProcess(child, dataDir, workDir);
    observe(emulator);
    try {
      emulator.ready = await emulator.readyLine(options.readyTimeoutMs ?? 30_000);
      emulator.readyMs = performance.now() - started;
      emulator.readyCpuSec = emulator.cpuSeconds();
      emulator.instanceId = await readInstanceId(dataDir);
      observe(emulator);
      if (options.recording === 'off') emulator.recordingPaused = await emulator.setRecording(false);
    } catch (error) {
      await emulator.stop();
      throw error;
    }
    return emulator;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private readyLine(timeoutMs: number): Promise<ReadyLine> {
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: this.child.stdout! });
      const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms`)), timeoutMs);
      lines.once('line', (line) => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line) as ReadyLine);
        } catch {
          reject(new Error(`the ready line is not JSON: ${line}`));
        }
      });
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`sessionite exited with ${code} before its ready line:\n${this.stderr.slice(-20).join('\n')}`));
      });
    });
  }

  endpoint(pool: string): string {
    const url = this.ready.pools[pool];
    if (!url) throw new Error(`the emulator has no pool '${pool}'`);
    return url;
  }

  /** A data-plane URL: `<pool endpoint><path>?identifier=<identifier>`. */
  url(pool: string, path: string, identifier: string): string {
    const separator = path.includes('?') ? '&' : '?';
    return `${this.endpoint(pool)}${path}${separator}identifier=${encodeURIComponent(identifier)}`;
  }

  rssBytes(): number {
    return rssBytes(this.pid);
  }

  cpuSeconds(): number {
    return cpuSeconds(this.pid);
  }

  async counts(pool: string): Promise<PoolCounts> {
    const body = await getJson<{ pools?: Record<string, PoolCounts> }>(`${this.ready.http}/readyz`);
    const counts = body.pools?.[pool];
    if (!counts) throw new Error(`/readyz does not list pool '${pool}'`);
    return counts;
  }

  /** Polls /readyz until `condition` holds for the pool; returns the counts that satisfied it. */
  async waitForPool(
    pool: string,
    condition: (counts: PoolCounts) => boolean,
    what: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<PoolCounts> {
    const deadline = performance.now() + timeoutMs;
    let last: PoolCounts | undefined;
    for (;;) {
      last = await this.counts(pool);
      if (condition(last)) return last;
      if (!this.running) throw new Error(`the emulator exited while waiting for ${what}`);
      if (performance.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (pool ${pool}: ${JSON.stringify(last)})`);
      }
      await sleep(50, signal);
    }
  }

  /** `listSessions`' `count`: the sessions the platform reports as allocated. */
  async sessionCount(pool: string): Promise<number> {
    const body = await getJson<{ count: number }>(`${this.endpoint(pool)}/.management/listSessions`);
    return body.count;
  }

  async stopSession(pool: string, identifier: string): Promise<void> {
    const response = await timedRequest(`${this.endpoint(pool)}/.management/stopSession?identifier=${encodeURIComponent(identifier)}`, {
      method: 'POST',
    });
    if (response.status !== 200) throw new Error(`stopSession ${identifier} answered ${response.status}: ${response.body}`);
  }

  /**
   * The engine's recent events, from the first message of the admin event stream (which replays
   * them); empty when the CLI serves no event stream.
   */
  recentEvents(): Promise<EngineEventRecord[]> {
    return new Promise((resolve, reject) => {
      const req = get(`${this.ready.http}${EVENTS_API}`, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return resolve([]);
        }
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const match = /^data: (.*)$/m.exec(text);
          if (!match?.[1]) return;
          req.destroy();
          const batch = JSON.parse(match[1]) as { events?: { event: EngineEventRecord }[] };
          resolve((batch.events ?? []).map((e) => e.event));
        });
      });
      req.setTimeout(10_000, () => req.destroy(new Error('no event batch within 10 s')));
      req.once('error', (error) => reject(error));
    });
  }

  /**
   * Pauses or resumes request recording; false when the CLI serves no recording API (nothing to
   * switch), true when it switched.
   */
  async setRecording(on: boolean): Promise<boolean> {
    const api = `${this.ready.http}${REQUESTS_API}`;
    if ((await timedRequest(`${api}/state`)).status === 404) return false;
    const response = await timedRequest(`${api}/${on ? 'resume' : 'pause'}`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    if (response.status >= 300) throw new Error(`${on ? 'resuming' : 'pausing'} recording answered ${response.status}: ${response.body}`);
    return true;
  }

  /**
   * SIGTERM (the emulator removes its containers), SIGKILL if it has not exited within `timeoutMs`;
   * the run's final label sweep removes whatever a killed emulator left.
   */
  stop(timeoutMs = 120_000): Promise<void> {
    this.stopped ??= (async () => {
      if (this.running) {
        this.child.kill('SIGTERM');
        const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
        if ((await Promise.race([this.exited, timer])) === 'timeout') {
          this.child.kill('SIGKILL');
          await this.exited;
        }
      }
      // The work folder holds the config and, unless the caller chose one, the data folder.
      await rm(this.workDir, { recursive: true, force: true });
    })();
    return this.stopped;
  }
}

async function readInstanceId(dataDir: string): Promise<string> {
  const record = JSON.parse(await readFile(join(dataDir, 'emulator.json'), 'utf8')) as { instanceId?: string };
  if (!record.instanceId) throw new Error(`${dataDir}/emulator.json has no instanceId`);
  return record.instanceId;
}
