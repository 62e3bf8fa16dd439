import type { LogLevel } from './contract.js';

/**
 * Infers a line's severity. Checked in order, on the first 200 characters only:
 *  1. a JSON object with `level`/`lvl`/`severity`/`levelname`/`log.level` (names, or pino's numbers);
 *  2. `level=warn` (logfmt) anywhere near the start;
 *  3. a leading level word, optionally after a timestamp and inside brackets: `ERROR …`,
 *     `[warn] …`, `2026-01-02 03:04:05,123 INFO …`, `INFO:     Uvicorn running…`, `E0102 …` is not.
 * Otherwise the stream decides: stdout → info, stderr → error (most runtimes send errors and stack
 * traces there; libraries that log info to stderr usually prefix a level, which rule 3 catches).
 */
export function inferLevel(text: string, stream: 'stdout' | 'stderr'): LogLevel {
  return levelFromText(text) ?? (stream === 'stderr' ? 'error' : 'info');
}

const WORDS: Readonly<Record<string, LogLevel>> = {
  trace: 'debug',
  debug: 'debug',
  dbg: 'debug',
  verbose: 'debug',
  info: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  warn: 'warning',
  warning: 'warning',
  err: 'error',
  error: 'error',
  severe: 'error',
  crit: 'critical',
  critical: 'critical',
  fatal: 'critical',
  panic: 'critical',
  alert: 'critical',
  emerg: 'critical',
};

// An optional leading timestamp (digits and date/time punctuation, `T`/`Z`), an optional bracket, then the word.
const LEADING =
  /^(?:\[?\d[\dTZ:.,/+\- ]*\]?\s+)?[[(<]?(trace|debug|dbg|verbose|info|information|notice|warn|warning|err|error|severe|crit|critical|fatal|panic)\b/i;
const LOGFMT = /\b(?:level|lvl|severity)=["']?([A-Za-z]+)/;

function levelFromText(line: string): LogLevel | undefined {
  const head = line.length > 200 ? line.slice(0, 200) : line;
  if (head.charCodeAt(0) === 123 /* { */) {
    const fromJson = jsonLevel(line);
    if (fromJson) return fromJson;
  }
  const logfmt = LOGFMT.exec(head);
  if (logfmt) return WORDS[(logfmt[1] as string).toLowerCase()];
  const leading = LEADING.exec(head);
  return leading ? WORDS[(leading[1] as string).toLowerCase()] : undefined;
}

function jsonLevel(line: string): LogLevel | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  const nested = record.log as Record<string, unknown> | undefined;
  const value =
    record.level ??
    record.lvl ??
    record.severity ??
    record.levelname ??
    record['@l'] ??
    (typeof nested === 'object' && nested !== null ? nested.level : undefined);
  if (typeof value === 'string') return WORDS[value.toLowerCase()];
  if (typeof value === 'number') return pinoLevel(value);
  return undefined;
}

/** pino/bunyan numeric levels: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
function pinoLevel(n: number): LogLevel | undefined {
  if (n >= 60) return 'critical';
  if (n >= 50) return 'error';
  if (n >= 40) return 'warning';
  if (n >= 30) return 'info';
  if (n >= 10) return 'debug';
  return undefined;
}
