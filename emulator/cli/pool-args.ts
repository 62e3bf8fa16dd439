/**
 * An az-style argument parser: `--flag value`, `--flag=value`, short aliases (`-n`), boolean flags, and
 * list flags that take every following word up to the next flag (`--env-vars A=1 B=secretref:s`), as
 * az's `nargs='+'` options do. `node:util`'s parseArgs cannot express list flags.
 */
export type FlagType = 'string' | 'list' | 'boolean';

export interface FlagSpec {
  type: FlagType;
  short?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export type FlagValues = Record<string, string | string[] | boolean | undefined>;

/** A mistake in the command line; the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseFlags(argv: readonly string[], specs: FlagSpecs): { values: FlagValues; positionals: string[] } {
  const shorts = new Map(Object.entries(specs).flatMap(([name, spec]) => (spec.short ? [[`-${spec.short}`, name]] : [])));
  const isFlag = (token: string): boolean => token.startsWith('--') || shorts.has(token);
  const values: FlagValues = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (!isFlag(token)) {
      positionals.push(token);
      continue;
    }
    const [flag = '', inline] = token.startsWith('--') ? splitInline(token) : [token, undefined];
    const name = shorts.get(flag) ?? flag.slice(2);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option '${flag}'`);
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`option '--${name}' takes no value`);
      values[name] = true;
      continue;
    }
    const taken: string[] = inline !== undefined ? [inline] : [];
    while (inline === undefined && i + 1 < argv.length && !isFlag(argv[i + 1] ?? '')) {
      taken.push(argv[++i] ?? '');
      if (spec.type === 'string') break;
    }
    if (taken.length === 0) throw new UsageError(`option '--${name}' needs a value`);
    values[name] = spec.type === 'list' ? [...listOf(values[name]), ...taken] : taken[0];
  }
  return { values, positionals };
}

function splitInline(token: string): [string, string | undefined] {
  const eq = token.indexOf('=');
  return eq < 0 ? [token, undefined] : [token.slice(0, eq), token.slice(eq + 1)];
}

function listOf(value: FlagValues[string]): string[] {
  return Array.isArray(value) ? value : [];
}

export function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function listFlag(values: FlagValues, name: string): string[] | undefined {
  const value = values[name];
  return Array.isArray(value) ? value : undefined;
}

export function requireFlag(values: FlagValues, name: string): string {
  const value = stringFlag(values, name);
  if (value === undefined || value === '') throw new UsageError(`option '--${name}' is required`);
  return value;
}

/** `k=v` pairs; `--env-vars ""` (one empty word) means "none". */
export function keyValues(words: readonly string[], flag: string): [string, string][] {
  if (words.length === 1 && words[0] === '') return [];
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new UsageError(`'--${flag}' takes key=value pairs, got '${word.split('=')[0] ?? ''}'`);
    return [word.slice(0, eq), word.slice(eq + 1)];
  });
}

/** Numbers go as numbers; anything else is sent as typed, so the service's own message explains it. */
export function numberOrText(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) ? value : text;
}

/** Flags every pool and session command takes: where the emulator is and how to authenticate. */
export const CONNECTION_FLAGS: FlagSpecs = {
  'data-dir': { type: 'string' },
  endpoint: { type: 'string' },
  ca: { type: 'string' },
  token: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  subscription: { type: 'string' },
  'resource-group': { type: 'string', short: 'g' },
  name: { type: 'string', short: 'n' },
  output: { type: 'string', short: 'o' },
};
