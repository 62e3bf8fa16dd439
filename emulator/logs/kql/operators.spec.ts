import { describe, expect, it } from 'vitest';
import { runKql, type KqlSource, type Row } from './index.js';

const T0 = Date.UTC(2026, 0, 1);
const S = 1000;
const rows: Row[] = [
  {
    TimeGenerated: T0,
    SessionPoolName_s: 'alpha',
    SessionId_s: 'user-1',
    Stream_s: 'stdout',
    Level_s: 'info',
    Log_s: 'Server started on port 8080',
  },
  {
    TimeGenerated: T0 + 20 * S,
    SessionPoolName_s: 'alpha',
    SessionId_s: 'user-1',
    Stream_s: 'stderr',
    Level_s: 'error',
    Log_s: 'ERROR: connection refused (db)',
  },
  {
    TimeGenerated: T0 + 65 * S,
    SessionPoolName_s: 'alpha',
    SessionId_s: 'user-2',
    Stream_s: 'stdout',
    Level_s: 'info',
    Log_s: 'GET /api/items 200 in 12ms',
  },
  {
    TimeGenerated: T0 + 70 * S,
    SessionPoolName_s: 'beta',
    SessionId_s: 'user-3',
    Stream_s: 'stdout',
    Level_s: 'info',
    Log_s: 'errors=0 warnings=2',
  },
  {
    TimeGenerated: T0 + 130 * S,
    SessionPoolName_s: 'beta',
    SessionId_s: 'user-3',
    Stream_s: 'stderr',
    Level_s: 'error',
    Log_s: 'Traceback: ValueError',
  },
  {
    TimeGenerated: T0 + 200 * S,
    SessionPoolName_s: 'gamma',
    SessionId_s: 'user-4',
    Stream_s: 'stdout',
    Level_s: 'info',
    Log_s: 'Done.',
  },
];
const source: KqlSource = {
  table: (name) =>
    name === 'AppEnvSessionConsoleLogs_CL' ? rows : name === 'AppEnvSessionLifecycleLogs' ? [] : undefined,
  now: () => T0 + 600 * S,
};
const T = 'AppEnvSessionConsoleLogs_CL';
const run = (q: string): unknown[][] => runKql(`${T} ${q}`, source).rows;
const names = (q: string): string[] => runKql(`${T} ${q}`, source).columns.map((c) => c.name);

describe('table and where', () => {
  it('returns every row and column of a bare table, missing strings as empty', () => {
    const result = runKql(T, source);
    expect(result.columns.map((c) => c.name)).toEqual([
      'TimeGenerated',
      'SessionPoolName_s',
      'SessionId_s',
      'ContainerId_s',
      'ContainerName_s',
      'ContainerImage_s',
      'Stream_s',
      'Level_s',
      'Log_s',
      '_ResourceId',
    ]);
    expect(result.columns[0]).toEqual({ name: 'TimeGenerated', type: 'datetime' });
    expect(result.rows).toHaveLength(6);
    expect(result.rows[0]).toEqual([
      T0,
      'alpha',
      'user-1',
      '',
      '',
      '',
      'stdout',
      'info',
      'Server started on port 8080',
      '',
    ]);
  });

  it('filters with where (and its alias filter), chaining several', () => {
    expect(run("| where SessionPoolName_s == 'alpha' | project SessionId_s")).toEqual([
      ['user-1'],
      ['user-1'],
      ['user-2'],
    ]);
    expect(run("| filter Stream_s == 'stderr' | where SessionPoolName_s != 'alpha' | project Log_s")).toEqual(
      [['Traceback: ValueError']],
    );
    expect(run('| where false')).toEqual([]);
  });
});

describe('project and extend', () => {
  it('projects columns, renames and computes', () => {
    expect(names('| project SessionId_s, Pool = SessionPoolName_s, strlen(Log_s), tolower(Level_s)')).toEqual(
      ['SessionId_s', 'Pool', 'Column1', 'Column2'],
    );
    expect(run('| project Pool = SessionPoolName_s, Len = strlen(Log_s) | take 2')).toEqual([
      ['alpha', 27],
      ['alpha', 30],
    ]);
  });

  it('extends with new columns at the end, sees earlier ones and replaces existing names in place', () => {
    const result = runKql(
      `${T} | extend Len = strlen(Log_s), Twice = Len * 2, Level_s = toupper(Level_s) | take 1`,
      source,
    );
    expect(result.columns.map((c) => c.name).slice(-3)).toEqual(['_ResourceId', 'Len', 'Twice']);
    expect(result.columns.find((c) => c.name === 'Twice')?.type).toBe('long');
    expect(result.rows[0]?.slice(7)).toEqual(['INFO', 'Server started on port 8080', '', 27, 54]);
  });

  it('lets later operators use extended and projected columns', () => {
    expect(run('| extend Age = now() - TimeGenerated | where Age < 510s | project SessionId_s, Age')).toEqual(
      [
        ['user-3', 470 * S],
        ['user-4', 400 * S],
      ],
    );
  });
});

describe('order by, sort by, take, limit, top', () => {
  it('sorts descending by default, ascending on request, by several keys', () => {
    expect(run('| order by TimeGenerated | project SessionId_s | take 2')).toEqual([['user-4'], ['user-3']]);
    expect(run('| sort by TimeGenerated asc | project SessionId_s | limit 2')).toEqual([
      ['user-1'],
      ['user-1'],
    ]);
    expect(
      run('| order by SessionPoolName_s asc, TimeGenerated desc | project SessionPoolName_s, Log_s | take 4'),
    ).toEqual([
      ['alpha', 'GET /api/items 200 in 12ms'],
      ['alpha', 'ERROR: connection refused (db)'],
      ['alpha', 'Server started on port 8080'],
      ['beta', 'Traceback: ValueError'],
    ]);
  });

  it('places nulls first when ascending, last when descending, or as asked', () => {
    const withNulls =
      '| extend v = iff(Stream_s == "stderr", 1 / 0, strlen(Log_s)) | project SessionId_s, v ';
    expect(run(`${withNulls}| order by v asc`)).toEqual([
      ['user-1', null],
      ['user-3', null],
      ['user-4', 5],
      ['user-3', 19],
      ['user-2', 26],
      ['user-1', 27],
    ]);
    expect(run(`${withNulls}| order by v desc`).map((r) => r[1])).toEqual([27, 26, 19, 5, null, null]);
    expect(run(`${withNulls}| order by v asc nulls last`).map((r) => r[1])).toEqual([
      5,
      19,
      26,
      27,
      null,
      null,
    ]);
    expect(run(`${withNulls}| order by v desc nulls first | take 3`).map((r) => r[1])).toEqual([
      null,
      null,
      27,
    ]);
  });

  it('takes the first N rows in store order without sorting', () => {
    expect(run('| take 3 | project SessionId_s')).toEqual([['user-1'], ['user-1'], ['user-2']]);
    expect(run('| take 0')).toEqual([]);
    expect(run('| limit 100')).toHaveLength(6);
  });

  it('top N by a key, desc by default, ties in arrival order', () => {
    expect(run('| top 2 by TimeGenerated | project SessionId_s')).toEqual([['user-4'], ['user-3']]);
    expect(run('| top 3 by Stream_s asc | project SessionId_s, Stream_s')).toEqual([
      ['user-1', 'stderr'],
      ['user-3', 'stderr'],
      ['user-1', 'stdout'],
    ]);
    expect(run('| top 2 by strlen(Log_s) asc | project Log_s')).toEqual([['Done.'], ['errors=0 warnings=2']]);
  });

  it('order by … | take N (fused into a top-N) matches a full sort', () => {
    const full = run('| order by Log_s asc | project Log_s');
    expect(run('| order by Log_s asc | take 3 | project Log_s')).toEqual(full.slice(0, 3));
    expect(full.map((r) => r[0])).toEqual([
      'Done.',
      'ERROR: connection refused (db)',
      'GET /api/items 200 in 12ms',
      'Server started on port 8080',
      'Traceback: ValueError',
      'errors=0 warnings=2',
    ]);
  });
});

describe('count, summarize, distinct', () => {
  it('count returns one row {Count: n}', () => {
    const result = runKql(`${T} | where Stream_s == 'stderr' | count`, source);
    expect(result.columns).toEqual([{ name: 'Count', type: 'long' }]);
    expect(result.rows).toEqual([[2]]);
    expect(runKql('AppEnvSessionLifecycleLogs | count', source).rows).toEqual([[0]]);
  });

  it('summarize count() by a column names the column count_', () => {
    const result = runKql(`${T} | summarize count() by SessionPoolName_s`, source);
    expect(result.columns).toEqual([
      { name: 'SessionPoolName_s', type: 'string' },
      { name: 'count_', type: 'long' },
    ]);
    expect(result.rows).toEqual([
      ['alpha', 3],
      ['beta', 2],
      ['gamma', 1],
    ]);
  });

  it('summarize by bin(TimeGenerated, 1m) floors to the minute and keeps the column name', () => {
    const result = runKql(`${T} | summarize n = count() by bin(TimeGenerated, 1m)`, source);
    expect(result.columns).toEqual([
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'n', type: 'long' },
    ]);
    expect(result.rows).toEqual([
      [T0, 2],
      [T0 + 60 * S, 2],
      [T0 + 120 * S, 1],
      [T0 + 180 * S, 1],
    ]);
  });

  it('summarize with several keys and aggregations', () => {
    expect(
      run(
        '| summarize count(), errors = countif(Level_s == "error") by SessionPoolName_s, Stream_s | where errors > 0',
      ),
    ).toEqual([
      ['alpha', 'stderr', 1, 1],
      ['beta', 'stderr', 1, 1],
    ]);
    expect(names('| summarize count(), count(), max(TimeGenerated), min(strlen(Log_s)) by Level_s')).toEqual([
      'Level_s',
      'count_',
      'count_1',
      'max_TimeGenerated',
      'min_',
    ]);
  });

  it('computes min, max, avg, sum, dcount and take_any without by', () => {
    const q =
      '| extend L = strlen(Log_s) | summarize min(L), max(L), avg(L), sum(L), dcount(SessionId_s), take_any(SessionPoolName_s), first = min(TimeGenerated), last = max(TimeGenerated), minLog = min(Log_s)';
    const result = runKql(`${T} ${q}`, source);
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'min_L:long',
      'max_L:long',
      'avg_L:real',
      'sum_L:long',
      'dcount_SessionId_s:long',
      'take_any_SessionPoolName_s:string',
      'first:datetime',
      'last:datetime',
      'minLog:string',
    ]);
    // Log lengths: 27, 30, 26, 19, 21, 5 → sum 128.
    expect(result.rows).toEqual([[5, 30, 128 / 6, 128, 4, 'alpha', T0, T0 + 200 * S, 'Done.']]);
  });

  it('sums and averages timespans as timespans', () => {
    const result = runKql(`${T} | extend Age = now() - TimeGenerated | summarize sum(Age), avg(Age)`, source);
    expect(result.columns.map((c) => c.type)).toEqual(['timespan', 'timespan']);
    // Ages: 600, 580, 535, 530, 470, 400 s → 3115 s.
    expect(result.rows).toEqual([[3115 * S, (3115 * S) / 6]]);
  });

  it('summarize over no rows without by yields one row of zero counts', () => {
    expect(
      run(
        "| where SessionPoolName_s == 'none' | summarize count(), countif(true), sum(strlen(Log_s)), max(TimeGenerated)",
      ),
    ).toEqual([[0, 0, 0, null]]);
    expect(run("| where SessionPoolName_s == 'none' | summarize count() by SessionId_s")).toEqual([]);
  });

  it('distinct one or several columns, and *', () => {
    expect(run('| distinct SessionPoolName_s')).toEqual([['alpha'], ['beta'], ['gamma']]);
    expect(run('| distinct SessionPoolName_s, Stream_s')).toEqual([
      ['alpha', 'stdout'],
      ['alpha', 'stderr'],
      ['beta', 'stdout'],
      ['beta', 'stderr'],
      ['gamma', 'stdout'],
    ]);
    expect(run('| project SessionPoolName_s | distinct *')).toHaveLength(3);
    expect(run('| summarize by Level_s')).toEqual([['info'], ['error']]);
  });
});

describe('limits', () => {
  it('truncates at maxRows and says so', () => {
    const result = runKql(T, source, { maxRows: 4 });
    expect(result.rows).toHaveLength(4);
    expect(result.truncated).toBe(true);
    expect(runKql(T, source, { maxRows: 6 }).truncated).toBe(false);
  });

  it('a final sort keeps only the best maxRows rows and reports the truncation', () => {
    const result = runKql(`${T} | order by TimeGenerated | project SessionId_s`, source, { maxRows: 2 });
    expect(result.rows).toEqual([['user-4'], ['user-3']]);
    expect(result.truncated).toBe(true);
    expect(runKql(`${T} | order by TimeGenerated`, source, { maxRows: 6 }).truncated).toBe(false);
  });

  it('names unnamed extend columns Column1, Column2, … skipping taken names', () => {
    expect(names('| project Column1 = 1 | extend strlen("ab"), 2')).toEqual([
      'Column1',
      'Column2',
      'Column3',
    ]);
  });
});
