import { describe, expect, it } from 'vitest';
import { KqlError, parseKql, runKql, type KqlSource } from './index.js';

const source: KqlSource = {
  table: (name) => (name === 'AppEnvSessionConsoleLogs_CL' ? [] : undefined),
  now: () => Date.UTC(2026, 0, 1),
};

function errorOf(query: string): KqlError {
  try {
    runKql(query, source);
  } catch (error) {
    if (error instanceof KqlError) return error;
    throw error;
  }
  throw new Error(`expected a KqlError for: ${query}`);
}

/** Asserts the error position and that the message starts with it. */
function expectError(query: string, line: number, column: number, fragment: string): KqlError {
  const error = errorOf(query);
  expect(error.position.line).toBe(line);
  expect(error.position.column).toBe(column);
  expect(error.message.startsWith(`line ${line}, column ${column}: `)).toBe(true);
  expect(error.message).toContain(fragment);
  return error;
}

const T = 'AppEnvSessionConsoleLogs_CL';

describe('positioned syntax errors', () => {
  it('unterminated string points at the opening quote', () => {
    expectError(`${T} | where Log_s == 'abc`, 1, 46, 'unterminated string literal');
    expectError(`${T}\n| where Log_s == "abc\n| take 1`, 2, 18, 'unterminated string literal');
  });

  it('unknown operator lists the supported ones', () => {
    const error = expectError(`${T} | join kind=inner (Other) on x`, 1, 31, "unknown operator 'join'");
    expect(error.message).toBe(
      "line 1, column 31: unknown operator 'join'; supported: where, project, extend, order by, sort by, take, limit, top, count, summarize, distinct",
    );
    expect(error.expected).toContain('summarize');
    expect(error.position.offset).toBe(30);
  });

  it('missing by', () => {
    expectError(
      `${T} | order TimeGenerated desc`,
      1,
      37,
      "expected 'by' after 'order' but found 'TimeGenerated'",
    );
    expectError(`${T} | top 5 TimeGenerated`, 1, 37, "expected 'by'");
    const error = expectError(
      `${T} | summarize count() SessionId_s`,
      1,
      49,
      "unexpected 'SessionId_s' after the aggregations (missing 'by'?)",
    );
    expect(error.expected).toBe("',', 'by', '|' or end of query");
  });

  it('bad timespans', () => {
    expectError(`${T} | where TimeGenerated > ago(5x)`, 1, 58, "invalid timespan unit 'x' in '5x'");
    expectError(`${T} | where TimeGenerated > ago(timespan(soon))`, 1, 66, "invalid timespan 'soon'");
    expectError(`${T} | where TimeGenerated > ago(5)`, 1, 57, 'ago() argument 1 must be timespan, not long');
    expectError(`${T} | where TimeGenerated > datetime(2026-13-01)`, 1, 62, "invalid datetime '2026-13-01'");
    expectError(`${T} | where TimeGenerated > datetime(2026-01-01`, 1, 53, 'unterminated datetime');
  });

  it('trailing pipe', () => {
    expectError(`${T} | take 5 |`, 1, 39, "expected an operator after '|'; supported: where");
    expectError(`${T} |\n`, 2, 1, "expected an operator after '|'");
  });

  it('other syntax problems', () => {
    expectError(`${T} | where`, 1, 36, 'expected an expression but the query ended');
    expectError(`${T} | where Log_s == 'a' Stream_s`, 1, 50, "unexpected 'Stream_s' in the where condition");
    expectError(`${T} | where Log_s # 'a'`, 1, 43, "unexpected character '#'");
    expectError(`${T} | where Log_s == 'a\\q'`, 1, 48, "invalid escape sequence '\\q'");
    expectError(
      `${T} | take ten`,
      1,
      36,
      "expected a row count (a whole number) after 'take' but found 'ten'",
    );
    expectError(`${T} | take 1.5`, 1, 36, 'expected a row count');
    expectError(`${T} | where Log_s !like 'a'`, 1, 43, "unknown operator '!like'");
    expectError(`${T} | where Log_s in 'a'`, 1, 46, "expected '(' to open the list after 'in' but found 'a'");
    expectError(
      `${T} | where (Log_s == 'a'`,
      1,
      50,
      "expected ')' to close the parenthesis but the query ended",
    );
    expectError(`${T} | order by Log_s nulls middle`, 1, 52, "expected 'first' or 'last' after 'nulls'");
    expectError(`| take 1`, 1, 1, 'expected a table name');
    expectError(`${T} take 1`, 1, 29, "unexpected 'take' after the table name");
  });

  it('reports absurd nesting as a KqlError, not a stack overflow', () => {
    const error = errorOf(`${T} | where ${'('.repeat(20_000)}true${')'.repeat(20_000)}`);
    expect(error).toBeInstanceOf(KqlError);
  });
});

describe('positioned semantic errors', () => {
  it('unknown column names the available columns', () => {
    const error = expectError(
      `${T}\n| where  Pool == 'a'`,
      2,
      10,
      "unknown column 'Pool'; available columns: TimeGenerated, SessionPoolName_s",
    );
    expect(error.expected).toContain('Log_s');
    expectError(
      `${T} | project a = Log_s | where Log_s == ''`,
      1,
      57,
      "unknown column 'Log_s'; available columns: a",
    );
  });

  it('unknown table names the available tables', () => {
    expectError(
      'ContainerAppConsoleLogs_CL | take 1',
      1,
      1,
      "unknown table 'ContainerAppConsoleLogs_CL'; available tables: AppEnvSessionConsoleLogs_CL",
    );
    expectError('constructor | take 1', 1, 1, "unknown table 'constructor'");
    // Known schema but the source has no such table.
    expectError('AppEnvSessionPoolEventLogs', 1, 1, "unknown table 'AppEnvSessionPoolEventLogs'");
  });

  it('type errors point at the offending expression', () => {
    expectError(`${T} | where Log_s`, 1, 37, 'expected a bool condition, but this expression is string');
    expectError(`${T} | where TimeGenerated > '2026-01-01'`, 1, 51, 'cannot compare datetime with string');
    expectError(`${T} | where Log_s has 'a' and 1`, 1, 55, "'and' needs bool operands");
    expectError(
      `${T} | extend x = Log_s + 1`,
      1,
      48,
      "cannot apply '+' to string and long (use strcat() to join strings)",
    );
    expectError(
      `${T} | extend x = TimeGenerated + TimeGenerated`,
      1,
      56,
      "cannot apply '+' to datetime and datetime",
    );
    expectError(`${T} | extend x = -Log_s`, 1, 42, 'cannot negate a string');
    expectError(`${T} | where TimeGenerated between (1 .. 2)`, 1, 51, 'cannot compare datetime with long');
  });

  it('unknown functions and misplaced aggregations', () => {
    expectError(
      `${T} | extend x = parse_json(Log_s)`,
      1,
      42,
      "unknown function 'parse_json'; supported: ago(timespan)",
    );
    expectError(`${T} | project count()`, 1, 39, 'count() is an aggregation');
    expectError(`${T} | summarize Log_s by Stream_s`, 1, 41, 'expected an aggregation function call');
    expectError(`${T} | summarize percentile(1, 50)`, 1, 41, "unknown aggregation 'percentile'");
    expectError(`${T} | extend x = strlen(Log_s, 1)`, 1, 42, 'strlen() takes 1 argument(s), got 2');
    expectError(`${T} | project a = 1, a = 2`, 1, 46, "duplicate column name 'a'");
  });
});

describe('parseKql', () => {
  it('returns a query tree and reports syntax errors without a source', () => {
    const query = parseKql(`${T} | where Log_s has 'x' | take 5`);
    expect(query.table.name).toBe(T);
    expect(query.operators.map((o) => o.kind)).toEqual(['where', 'take']);
    expect(() => parseKql(`${T} | take`)).toThrow(KqlError);
  });
});
