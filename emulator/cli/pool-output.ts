import { ServiceError } from './client.js';
import { UsageError } from './pool-args.js';

/**
 * Output of the pool and session commands, like az: JSON (2-space) by default, `--output table` for
 * people, `tsv` for shell scripts, `none` for nothing. Errors go to stderr as az prints them:
 * `ERROR: (Code) Message`, then one line per detail.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export type OutputFormat = 'json' | 'table' | 'tsv' | 'none';

export function outputFormat(value: string | undefined): OutputFormat {
  const format = (value ?? 'json').toLowerCase();
  if (format === 'json' || format === 'table' || format === 'tsv' || format === 'none') return format;
  throw new UsageError(`--output must be json, table, tsv or none, got '${format}'`);
}

export interface Column {
  header: string;
  value(row: Record<string, unknown>): unknown;
}

export function print(io: CliIo, format: OutputFormat, value: unknown, columns: readonly Column[]): void {
  if (format === 'none') return;
  if (format === 'json') {
    io.out(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  const rows = (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
  const cells = rows.map((row) => columns.map((column) => cellText(column.value(row))));
  if (format === 'tsv') {
    for (const line of cells) io.out(`${line.join('\t')}\n`);
    return;
  }
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => (line[i] ?? '').length)));
  const line = (parts: string[]): string => `${parts.map((part, i) => part.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`;
  io.out(line(columns.map((column) => column.header)));
  io.out(line(widths.map((width) => '-'.repeat(width))));
  for (const row of cells) io.out(line(row));
}

function cellText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

/**
 * Runs a command body: 0 on success, 1 for the service's errors, 2 for usage mistakes. `--help`, `-h`
 * or `help` anywhere prints the usage instead.
 */
export async function runCommand(io: CliIo, usage: string, argv: readonly string[], body: () => Promise<void>): Promise<number> {
  if (argv.some((word) => word === '--help' || word === '-h') || argv[0] === 'help') {
    io.out(usage);
    return 0;
  }
  try {
    await body();
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`ERROR: ${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof ServiceError) {
      io.err(`ERROR: (${error.code}) ${error.message}\n`);
      if (error.target && error.details.length === 0) io.err(`Target: ${error.target}\n`);
      for (const detail of error.details) {
        io.err(`  (${detail.code ?? 'Error'}) ${detail.message ?? ''}\n`);
      }
      return 1;
    }
    io.err(`ERROR: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
