import type { BenchDocker } from './docker.js';
import type { EmulatorProcess, EmulatorStartOptions } from './emulator-process.js';
import type { MachineInfo } from './machine.js';

/**
 * The benchmark's data model. A scenario records metrics; a metric may carry a target (judged into
 * pass/miss by the runner) and a baseline measured in the same run. Targets are report lines, never
 * assertions: a missed target does not fail `npm run bench`, a scenario that could not measure does.
 */

export type Comparison = '<=' | '>=' | '==';

export interface Target {
  op: Comparison;
  value: number;
  /** How the report states the target, e.g. "≤ 5 ms" or "≥ 70 % of direct". */
  text: string;
}

export interface Baseline {
  /** What was measured, e.g. "direct to the container" or "`node -e ''`". */
  label: string;
  value: number | null;
  unit?: string;
}

export interface MetricInput {
  name: string;
  unit: string;
  value: number | null;
  target?: Target;
  baseline?: Baseline;
  note?: string;
}

export interface Metric extends MetricInput {
  scenario: string;
  /** Undefined when the metric has no target (information only) or no value. */
  pass?: boolean;
}

export type ScenarioStatus = 'ok' | 'failed' | 'pending' | 'skipped';

export interface ScenarioResult {
  id: string;
  title: string;
  status: ScenarioStatus;
  durationMs: number;
  metrics: Metric[];
  notes: string[];
  error?: string;
  /** Raw figures (samples, counts) for the JSON file; not printed. */
  details: Record<string, unknown>;
}

export interface RunOptions {
  only?: string[];
  skip: string[];
  /** Smaller counts and shorter durations (development runs; figures are less reliable). */
  quick: boolean;
  /** Seconds of idle measurement in the scale scenario. */
  idleSeconds: number;
  /** Write V8 CPU profiles of every emulator child into this folder. */
  cpuProfDir?: string;
  build: boolean;
  outFile: string;
}

export interface Images {
  busybox: string;
  echo: string;
}

export interface ScenarioContext {
  readonly signal: AbortSignal;
  readonly options: RunOptions;
  readonly images: Images;
  readonly machine: MachineInfo;
  readonly docker: BenchDocker;
  /** Starts `sessionite start` as a child process; it is stopped (and its containers removed) after the scenario. */
  startEmulator(options: EmulatorStartOptions): Promise<EmulatorProcess>;
  record(metric: MetricInput): void;
  note(text: string): void;
  detail(key: string, value: unknown): void;
  /** Progress on stderr. */
  log(text: string): void;
  /** Scales a count down in `--quick` runs. */
  count(full: number, quick: number): number;
}

export interface Scenario {
  id: string;
  title: string;
  /** Upper bound for the whole scenario; past it the scenario is abandoned and its resources removed. */
  timeoutMs: number;
  /** Returns a reason when the scenario cannot run yet (e.g. the feature it measures is not built). */
  pendingReason?(): Promise<string | undefined>;
  run(ctx: ScenarioContext): Promise<void>;
}
