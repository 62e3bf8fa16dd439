import { machineLine, type MachineInfo } from './machine.js';
import type { SweepCounts } from './resources.js';
import type { Metric, ScenarioResult } from './types.js';

export interface BenchReport {
  version: 1;
  startedAt: string;
  durationMs: number;
  machine: MachineInfo;
  options: Record<string, unknown>;
  scenarios: ScenarioResult[];
  /** `left`: objects of the run still on the engine after the sweep; `instances`: the emulators' instance ids. */
  cleanup: SweepCounts & { left: string[]; instances: string[] };
  /** Set when tsc reported errors while building the emulator that was measured. */
  buildProblem?: string;
}

export function formatValue(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  const digits = Number.isInteger(value) || abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  const text = value.toFixed(digits);
  if (unit === '%') return `${text} %`;
  return unit ? `${text} ${unit}` : text;
}

function verdict(metric: Metric): string {
  if (metric.pass === undefined) return metric.target ? 'n/a' : '—';
  return metric.pass ? 'pass' : '**miss**';
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function metricRow(result: ScenarioResult, metric: Metric): string {
  const baseline = metric.baseline
    ? `${formatValue(metric.baseline.value, metric.baseline.unit ?? metric.unit)} (${metric.baseline.label})`
    : '';
  const measured = formatValue(metric.value, metric.unit) + (metric.note ? ` (${metric.note})` : '');
  const cells = [result.id, metric.name, measured, baseline, metric.target?.text ?? '', verdict(metric)];
  return `| ${cells.map(escape).join(' | ')} |`;
}

export function markdownReport(report: BenchReport): string {
  const lines: string[] = [];
  lines.push(`**Machine:** ${machineLine(report.machine)}`);
  lines.push('');
  lines.push(`Run ${report.startedAt}, ${(report.durationMs / 1000).toFixed(0)} s. Baselines are measured in the same run, on the same machine.`);
  lines.push('');
  if (report.buildProblem) lines.push(`**Warning:** ${report.buildProblem}.`, '');
  lines.push('| scenario | metric | measured | baseline (same run) | target | result |');
  lines.push('|---|---|---|---|---|---|');
  for (const result of report.scenarios) {
    if (result.status === 'pending' || result.status === 'skipped') {
      lines.push(`| ${result.id} | ${escape(result.title)} | ${result.status} | | | ${escape(result.notes.join('; '))} |`);
      continue;
    }
    for (const metric of result.metrics) lines.push(metricRow(result, metric));
    if (result.status === 'failed') lines.push(`| ${result.id} | scenario failed | ${escape(result.error ?? '')} | | | **failed** |`);
  }
  const withNotes = report.scenarios.filter((r) => r.notes.length && r.status !== 'pending' && r.status !== 'skipped');
  if (withNotes.length) {
    lines.push('');
    lines.push('Notes:');
    for (const result of withNotes) for (const note of result.notes) lines.push(`- ${result.id}: ${note}`);
  }
  lines.push('');
  lines.push(`Scenario durations: ${report.scenarios.filter((r) => r.status !== 'pending').map((r) => `${r.id} ${Math.round(r.durationMs / 1000)} s`).join(', ')}.`);
  const { bench, emulators, left } = report.cleanup;
  lines.push('');
  lines.push(
    `Cleanup: the final label sweep found ${emulators.containers} container(s) and ${emulators.networks} network(s) that the emulators' own shutdown had left, ` +
      `and removed the benchmark's own ${bench.networks} network(s) and ${bench.containers} baseline container(s); ` +
      (left.length ? `still on the engine: ${left.join(', ')}.` : 'nothing of the run remains.'),
  );
  return lines.join('\n');
}

export function summaryCounts(report: BenchReport): { pass: number; miss: number; failed: number; pending: number } {
  const metrics = report.scenarios.flatMap((s) => s.metrics);
  return {
    pass: metrics.filter((m) => m.pass === true).length,
    miss: metrics.filter((m) => m.pass === false).length,
    failed: report.scenarios.filter((s) => s.status === 'failed').length,
    pending: report.scenarios.filter((s) => s.status === 'pending').length,
  };
}
