import { setMaxListeners } from 'node:events';
import type { BenchDocker } from './docker.js';
import { EmulatorProcess, type EmulatorStartOptions } from './emulator-process.js';
import type { MachineInfo } from './machine.js';
import type { RunResources } from './resources.js';
import type { Images, Metric, MetricInput, RunOptions, Scenario, ScenarioContext, ScenarioResult } from './types.js';

/** Thrown by a scenario that finds, once running, that the feature it measures is not served yet. */
export class PendingError extends Error {}

export interface RunnerEnv {
  options: RunOptions;
  images: Images;
  machine: MachineInfo;
  docker: BenchDocker;
  resources: RunResources;
  log(text: string): void;
}

/** Judges a metric against its target; undefined when there is nothing to judge. */
export function judge(metric: MetricInput): boolean | undefined {
  const { target, value } = metric;
  if (!target || value === null || !Number.isFinite(value)) return undefined;
  switch (target.op) {
    case '<=':
      return value <= target.value;
    case '>=':
      return value >= target.value;
    case '==':
      return value === target.value;
  }
}

/**
 * Runs one scenario within its time bound. Whatever it started (emulator children, baseline
 * containers) is stopped and removed afterwards, also when it failed or timed out.
 */
export async function runScenario(scenario: Scenario, env: RunnerEnv): Promise<ScenarioResult> {
  const result: ScenarioResult = { id: scenario.id, title: scenario.title, status: 'ok', durationMs: 0, metrics: [], notes: [], details: {} };
  const pending = await scenario.pendingReason?.();
  if (pending) {
    result.status = 'pending';
    result.notes.push(pending);
    return result;
  }
  const started = performance.now();
  const abort = new AbortController();
  // Parallel docker runs and port waits each listen on the scenario's signal.
  setMaxListeners(500, abort.signal);
  const emulators: EmulatorProcess[] = [];
  const ctx: ScenarioContext = {
    signal: abort.signal,
    options: env.options,
    images: env.images,
    machine: env.machine,
    docker: env.docker,
    async startEmulator(options: EmulatorStartOptions) {
      if (abort.signal.aborted) throw new Error('the scenario was abandoned');
      const nodeArgs = [...(options.nodeArgs ?? [])];
      if (env.options.cpuProfDir) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', env.options.cpuProfDir, '--cpu-prof-name', `${scenario.id}-${Date.now()}.cpuprofile`);
      const emulator = await EmulatorProcess.start({ ...options, nodeArgs }, (e) => {
        if (!emulators.includes(e)) emulators.push(e);
        env.resources.track(e);
      });
      return emulator;
    },
    record(metric: MetricInput) {
      const judged: Metric = { ...metric, scenario: scenario.id, pass: judge(metric) };
      result.metrics.push(judged);
    },
    note(text: string) {
      result.notes.push(text);
    },
    detail(key: string, value: unknown) {
      result.details[key] = value;
    },
    log(text: string) {
      env.log(`[${scenario.id}] ${text}`);
    },
    count(full: number, quick: number) {
      return env.options.quick ? quick : full;
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`the scenario did not finish within ${scenario.timeoutMs / 1000} s`);
      abort.abort(error);
      reject(error);
    }, scenario.timeoutMs);
  });
  try {
    env.log(`[${scenario.id}] ${scenario.title}`);
    await Promise.race([scenario.run(ctx), timeout]);
  } catch (error) {
    if (error instanceof PendingError) {
      result.status = 'pending';
      result.notes.push(error.message);
      return result;
    }
    result.status = 'failed';
    result.error = error instanceof Error ? error.message : String(error);
    const stderr = emulators.flatMap((e) => e.stderr.slice(-5));
    if (stderr.length) result.details.emulatorStderr = stderr;
    env.log(`[${scenario.id}] FAILED: ${result.error}`);
  } finally {
    clearTimeout(timer);
    if (!abort.signal.aborted) abort.abort(new Error('the scenario ended'));
    await env.resources.stopEmulators(emulators);
    await env.resources.sweepBaselines().catch((error: unknown) => env.log(`[${scenario.id}] baseline cleanup: ${String(error)}`));
    result.durationMs = Math.round(performance.now() - started);
  }
  return result;
}
