import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunOptions } from './types.js';

export const USAGE = `Usage: npm run bench -- [options]

  --only a,b          run only these scenarios (ids: see the list below)
  --skip a,b          run all but these
  --quick             smaller counts and shorter runs (development; figures less reliable)
  --idle-seconds N    idle window of the scale scenario (default 30; the issue's full figure is 60)
  --cpu-prof          write V8 CPU profiles of the emulator children to bench/results/profiles
  --cpu-prof-dir DIR  … to DIR instead
  --no-build          do not run \`npm run build:emulator\` first (dist/ must be current)
  --out FILE          results file (default bench/results/latest.json)
  --list              list the scenarios and exit
`;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseRunOptions(argv: string[], repoRoot: string): RunOptions & { list: boolean; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      skip: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'idle-seconds': { type: 'string', default: '30' },
      'cpu-prof': { type: 'boolean', default: false },
      'cpu-prof-dir': { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      out: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  const idleSeconds = Number(values['idle-seconds']);
  if (!Number.isFinite(idleSeconds) || idleSeconds < 5 || idleSeconds > 600) throw new Error('--idle-seconds must be 5–600');
  const profiling = values['cpu-prof'] || values['cpu-prof-dir'] !== undefined;
  return {
    only: values.only === undefined ? undefined : list(values.only),
    skip: list(values.skip),
    quick: values.quick,
    idleSeconds,
    cpuProfDir: profiling ? resolve(values['cpu-prof-dir'] ?? `${repoRoot}/bench/results/profiles`) : undefined,
    build: !values['no-build'],
    outFile: resolve(values.out ?? `${repoRoot}/bench/results/latest.json`),
    list: values.list,
    help: values.help,
  };
}
