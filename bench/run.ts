import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBusyboxImage, ensureEchoImage } from '../tests/support/images.js';
import { parseRunOptions, USAGE } from './lib/args.js';
import { BenchDocker } from './lib/docker.js';
import { describeMachine } from './lib/machine.js';
import { markdownReport, summaryCounts, type BenchReport } from './lib/report.js';
import { RunResources } from './lib/resources.js';
import { runScenario } from './lib/runner.js';
import type { RunOptions, Scenario, ScenarioResult } from './lib/types.js';
import { scenarios } from './scenarios/index.js';

/**
 * `npm run bench`: builds the emulator, runs the selected scenarios one after another against the
 * real Docker engine (each with its own emulator child process and time bound), removes everything
 * it started, writes bench/results/latest.json and prints the table (stdout) — progress goes to stderr.
 */

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const log = (text: string): void => void process.stderr.write(`bench: ${text}\n`);

function select(options: RunOptions): Scenario[] {
  const ids = new Set(scenarios.map((s) => s.id));
  for (const id of [...(options.only ?? []), ...options.skip]) {
    if (!ids.has(id)) throw new Error(`unknown scenario '${id}'; known: ${[...ids].join(', ')}`);
  }
  return scenarios.filter((s) => (options.only ? options.only.includes(s.id) : true) && !options.skip.includes(s.id));
}

/**
 * `npm run build:emulator`. tsc emits even when it reports type errors (noEmitOnError is off), and
 * other work in progress in the tree can cause such errors: the run then goes on with what was
 * emitted and the report says so. Without an emitted CLI there is nothing to measure.
 */
function build(): string | undefined {
  log('building the emulator (npm run build:emulator)');
  try {
    execFileSync('npm', ['run', '-s', 'build:emulator'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    return undefined;
  } catch {
    if (!existsSync(`${repoRoot}/dist/emulator/cli/main.js`)) throw new Error('the emulator build failed and emitted no CLI');
    const problem = 'tsc reported errors while building the emulator (output above); measuring what it emitted';
    log(`warning: ${problem}`);
    return problem;
  }
}

async function main(): Promise<number> {
  const options = parseRunOptions(process.argv.slice(2), repoRoot);
  if (options.help || options.list) {
    process.stdout.write(options.help ? USAGE + '\nScenarios:\n' : '');
    for (const s of scenarios) process.stdout.write(`  ${s.id.padEnd(12)} ${s.title}\n`);
    return 0;
  }
  const selected = select(options);
  const buildProblem = options.build ? build() : undefined;
  if (options.cpuProfDir) await mkdir(options.cpuProfDir, { recursive: true });

  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const docker = new BenchDocker(runId);
  const resources = new RunResources(docker);
  const startedAt = new Date();
  const started = performance.now();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping the emulators and removing what the run created`);
    void resources.sweepAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const machine = await describeMachine(docker);
  log(`run ${runId} on ${machine.cpuModel} × ${machine.cores}, load average ${machine.loadAverageAtStart}`);
  log('preparing the offline test images (busybox, echo)');
  const [busybox, echo] = await Promise.all([ensureBusyboxImage(), ensureEchoImage()]);

  const results: ScenarioResult[] = [];
  let cleanup: BenchReport['cleanup'] = {
    bench: { containers: 0, networks: 0 },
    emulators: { containers: 0, networks: 0 },
    left: [],
    instances: [],
  };
  try {
    for (const scenario of selected) {
      if (interrupted) break;
      results.push(await runScenario(scenario, { options, images: { busybox, echo }, machine, docker, resources, log }));
    }
  } finally {
    log('final sweep');
    const swept = await resources.sweepAll();
    cleanup = { ...swept, left: await resources.leftover(), instances: resources.instanceIds };
  }

  const report: BenchReport = {
    version: 1,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    machine,
    options: { ...options, outFile: undefined },
    ...(buildProblem ? { buildProblem } : {}),
    scenarios: results,
    cleanup,
  };
  await mkdir(dirname(options.outFile), { recursive: true });
  await writeFile(options.outFile, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(markdownReport(report) + '\n');
  const counts = summaryCounts(report);
  log(`${counts.pass} targets met, ${counts.miss} missed, ${counts.failed} scenario(s) failed, ${counts.pending} pending; results in ${options.outFile}`);
  return counts.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
