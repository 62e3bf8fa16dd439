import { describe, expect, it } from 'vitest';
import { runKql, type KqlSource } from './index.js';

const NOW = Date.UTC(2026, 2, 15, 12, 0, 0);
const source: KqlSource = {
  table: () => [
    {
      TimeGenerated: Date.UTC(2026, 0, 1, 10, 37, 12),
      SessionPoolName: 'Pool-A',
      Log: 'ERROR: connection refused (db); KustoExplorerQueryRun ad67d136-c1db-4f9f',
      Level: 'Error',
    },
  ],
  now: () => NOW,
};

/** Evaluates one expression over a one-row table. */
function value(expr: string): unknown {
  const result = runKql(`AppEnvSessionLifecycleLogs | project x = ${expr}`, source);
  return result.rows[0]?.[0];
}

function typed(expr: string): { type: string; value: unknown } {
  const result = runKql(`AppEnvSessionLifecycleLogs | project x = ${expr}`, source);
  return { type: result.columns[0]?.type ?? '', value: result.rows[0]?.[0] };
}

describe('string operators', () => {
  it.each([
    ["Log has 'error'", true],
    ["Log has 'ERROR'", true],
    ["Log has 'connection refused'", true],
    ["Log has 'connect'", false],
    ["Log has 'Explorer'", false],
    ["Log has 'c1db'", true],
    ["Log has '-c1db'", true],
    ["'errors=0' has 'error'", false],
    ["Log !has 'connect'", true],
    ["Log has_cs 'ERROR'", true],
    ["Log has_cs 'error'", false],
    ["Log !has_cs 'error'", true],
    ["Log contains 'explorer'", true],
    ["Log contains 'NNECT'", true],
    ["Log !contains 'xyz'", true],
    ["Log contains_cs 'Explorer'", true],
    ["Log contains_cs 'explorer'", false],
    ["Log !contains_cs 'explorer'", true],
    ["Log startswith 'error:'", true],
    ["Log !startswith 'error:'", false],
    ["Log startswith_cs 'error:'", false],
    ["Log endswith '4F9F'", true],
    ["Log endswith_cs '4F9F'", false],
    ["Log !endswith 'x'", true],
    ["SessionPoolName == 'Pool-A'", true],
    ["SessionPoolName == 'pool-a'", false],
    ["SessionPoolName =~ 'pool-a'", true],
    ["SessionPoolName !~ 'pool-a'", false],
    ["SessionPoolName != 'pool-a'", true],
    ["SessionPoolName <> 'Pool-A'", false],
    ["SessionPoolName =~ 'pool.a'", false],
    ["'a.b' contains '.'", true],
    ["'(x)' has '(x)'", true],
    ['42 has "42"', true],
  ])('%s → %s', (expr, expected) => {
    expect(value(expr)).toBe(expected);
  });
});

describe('comparisons, logic, in and between', () => {
  it.each([
    ['1 < 2', true],
    ['2 <= 2', true],
    ['3 > 4', false],
    ['4 >= 4.0', true],
    ['1 == 1.0', true],
    ["'b' > 'a'", true],
    ['TimeGenerated > datetime(2026-01-01)', true],
    ['TimeGenerated < ago(1d)', true],
    ['true or false and false', true],
    ['(true or false) and false', false],
    ['not(1 == 1)', false],
    ['not(false) and true', true],
    ["Level in ('Error', 'Warning')", true],
    ["Level in ('error')", false],
    ["Level in~ ('error')", true],
    ["Level !in ('error')", true],
    ["Level !in~ ('ERROR', 'x')", false],
    ['5 in (1, 2, 5)', true],
    ['5 !in (1, 2)', true],
    ['Level in (SessionPoolName, Level)', true],
    ['5 between (1 .. 5)', true],
    ['6 between (1 .. 5)', false],
    ['6 !between (1 .. 5)', true],
    ['TimeGenerated between (datetime(2026-01-01) .. 1d)', true],
    ['TimeGenerated between (datetime(2026-01-01T11:00:00Z) .. datetime(2026-01-02))', false],
    ['1 / 0 == 1 / 0', false],
    ['isnull(1 / 0)', true],
  ])('%s → %s', (expr, expected) => {
    expect(value(expr)).toBe(expected);
  });
});

describe('arithmetic and literals', () => {
  it.each([
    ['7 / 2', 'long', 3],
    ['-7 / 2', 'long', -3],
    ['7.0 / 2', 'real', 3.5],
    ['7 % 3', 'long', 1],
    ['-(3 + 4) * 2', 'long', -14],
    ['1.5e3', 'real', 1500],
    ['1h + 30m', 'timespan', 5_400_000],
    ['1d', 'timespan', 86_400_000],
    ['10s', 'timespan', 10_000],
    ['100ms', 'timespan', 100],
    ['1.5h', 'timespan', 5_400_000],
    ['2 * 1h', 'timespan', 7_200_000],
    ['1h / 30m', 'real', 2],
    ['-1h', 'timespan', -3_600_000],
    ['timespan(01:30:00)', 'timespan', 5_400_000],
    ['time(1.02:00:00.5)', 'timespan', 93_600_500],
    ['timespan(2m)', 'timespan', 120_000],
    ['datetime(2026-01-01T00:00:00Z)', 'datetime', Date.UTC(2026, 0, 1)],
    ['datetime("2026-01-01 10:30")', 'datetime', Date.UTC(2026, 0, 1, 10, 30)],
    ['datetime(2026-01-01T02:00:00+02:00)', 'datetime', Date.UTC(2026, 0, 1)],
    ['datetime(2026-01-01T00:00:00.1234567Z)', 'datetime', Date.UTC(2026, 0, 1) + 123],
    ['datetime(2026-01-01) + 1d', 'datetime', Date.UTC(2026, 0, 2)],
    ['datetime(2026-01-02) - 1h', 'datetime', Date.UTC(2026, 0, 1, 23)],
    ['datetime(2026-01-02) - datetime(2026-01-01)', 'timespan', 86_400_000],
    ['TimeGenerated - TimeGenerated', 'timespan', 0],
    ["'it\\'s'", 'string', "it's"],
    ['"say \\"hi\\""', 'string', 'say "hi"'],
    ["'tab\\there\\n'", 'string', 'tab\there\n'],
    ["'\\u0041\\\\'", 'string', 'A\\'],
    ["@'c:\\temp'", 'string', 'c:\\temp'],
    ['true', 'bool', true],
    ['false', 'bool', false],
  ])('%s → %s %s', (expr, type, expected) => {
    expect(typed(expr)).toEqual({ type, value: expected });
  });
});

describe('functions', () => {
  it.each([
    ['now()', 'datetime', NOW],
    ['now(-1d)', 'datetime', NOW - 86_400_000],
    ['ago(1h)', 'datetime', NOW - 3_600_000],
    ['ago(1.5h)', 'datetime', NOW - 5_400_000],
    ['bin(TimeGenerated, 1h)', 'datetime', Date.UTC(2026, 0, 1, 10)],
    ['bin(TimeGenerated, 1m)', 'datetime', Date.UTC(2026, 0, 1, 10, 37)],
    ['bin(TimeGenerated, 1d)', 'datetime', Date.UTC(2026, 0, 1)],
    // Kusto bins datetimes from 0001-01-01 (a Monday), so weeks start on Monday: 2025-12-29.
    ['bin(TimeGenerated, 7d)', 'datetime', Date.UTC(2025, 11, 29)],
    ['floor(TimeGenerated, 15m)', 'datetime', Date.UTC(2026, 0, 1, 10, 30)],
    ['bin(7, 5)', 'long', 5],
    ['bin(-1, 5)', 'long', -5],
    ['bin(7.5, 2)', 'real', 6],
    ['bin(90s, 1m)', 'timespan', 60_000],
    ['tolower(Level)', 'string', 'error'],
    ['toupper(Level)', 'string', 'ERROR'],
    ['strlen(Level)', 'long', 5],
    ['strlen("")', 'long', 0],
    ['tostring(TimeGenerated)', 'string', '2026-01-01T10:37:12Z'],
    ['tostring(90m)', 'string', '01:30:00'],
    ['tostring(1d + 1s + 5ms)', 'string', '1.00:00:01.0050000'],
    ['tostring(-30s)', 'string', '-00:00:30'],
    ['tostring(1.5)', 'string', '1.5'],
    ['tostring(true)', 'string', 'true'],
    ['tostring(1 / 0)', 'string', ''],
    ['isempty("")', 'bool', true],
    ['isempty(Level)', 'bool', false],
    ['isnotempty(Level)', 'bool', true],
    ['isempty(1 / 0)', 'bool', true],
    ['isnotnull(1)', 'bool', true],
    ['strcat(Level, "-", 42, "-", 1h)', 'string', 'Error-42-01:00:00'],
    ['iff(Level == "Error", 1, 2)', 'long', 1],
    ['iif(false, 1, 2.5)', 'real', 2.5],
  ])('%s → %s %s', (expr, type, expected) => {
    expect(typed(expr)).toEqual({ type, value: expected });
  });
});

describe('syntax details', () => {
  it('ignores // comments and spreads a query over lines', () => {
    const q = `// recent errors
AppEnvSessionLifecycleLogs // the table
| where Level == 'Error' // only errors
| project Level`;
    expect(runKql(q, source).rows).toEqual([['Error']]);
  });

  it('accepts bracketed column names and a trailing semicolon', () => {
    expect(runKql("AppEnvSessionLifecycleLogs | project ['Level'];", source).rows).toEqual([['Error']]);
  });
});
