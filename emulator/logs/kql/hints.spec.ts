import { describe, expect, it } from 'vitest';
import { runKql, type KqlSource, type Row, type ScanHints } from './index.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const NOW = T0 + 100 * MIN;
const rows: Row[] = Array.from({ length: 100 }, (_, i) => ({
  TimeGenerated: T0 + i * MIN,
  SessionPoolName_s: `pool${i % 3}`,
  SessionId_s: `s${i % 7}`,
  Log_s: i % 10 === 0 ? `error at ${i}` : `ok ${i}`,
}));

/** A source that records the hints it gets and counts how many rows the engine pulled. */
function recordingSource(applyHints = false): KqlSource & { hints?: ScanHints; pulled: number } {
  const state: KqlSource & { hints?: ScanHints; pulled: number } = {
    pulled: 0,
    now: () => NOW,
    table(name, hints) {
      if (name !== 'AppEnvSessionConsoleLogs_CL') return undefined;
      state.hints = hints;
      return (function* () {
        for (const row of rows) {
          const t = row.TimeGenerated as number;
          const skip =
            applyHints &&
            hints !== undefined &&
            ((hints.timeFrom !== undefined && t < hints.timeFrom) ||
              (hints.timeTo !== undefined && t > hints.timeTo) ||
              [...hints.equals].some(([column, value]) => row[column] !== value));
          if (skip) continue;
          state.pulled++;
          yield row;
        }
      })();
    },
  };
  return state;
}

const T = 'AppEnvSessionConsoleLogs_CL';

describe('lazy streaming', () => {
  it('take stops the scan early', () => {
    const source = recordingSource();
    expect(runKql(`${T} | take 2`, source).rows).toHaveLength(2);
    expect(source.pulled).toBe(2);
  });

  it('where … | take stops at the last needed match', () => {
    const source = recordingSource();
    const result = runKql(`${T} | where Log_s has 'error' | take 2 | project Log_s`, source);
    expect(result.rows).toEqual([['error at 0'], ['error at 10']]);
    expect(source.pulled).toBe(11);
  });

  it('distinct streams new values, so distinct | take stops early', () => {
    const source = recordingSource();
    expect(runKql(`${T} | distinct SessionPoolName_s | take 2`, source).rows).toEqual([['pool0'], ['pool1']]);
    expect(source.pulled).toBe(2);
  });

  it('maxRows stops the scan too', () => {
    const source = recordingSource();
    const result = runKql(`${T} | project Log_s`, source, { maxRows: 5 });
    expect(result.truncated).toBe(true);
    expect(source.pulled).toBe(6);
  });

  it('sorting reads everything', () => {
    const source = recordingSource();
    expect(runKql(`${T} | order by TimeGenerated desc | take 1 | project Log_s`, source).rows).toEqual([
      ['ok 99'],
    ]);
    expect(source.pulled).toBe(100);
  });
});

describe('scan hints', () => {
  it('collects TimeGenerated bounds and string equalities from the leading wheres', () => {
    const source = recordingSource();
    runKql(
      `${T} | where TimeGenerated > datetime(2026-01-01T00:10:00Z) and TimeGenerated <= datetime(2026-01-01T01:00:00Z) and SessionPoolName_s == 'pool1'
       | where ago(1h) < TimeGenerated and 'x' == Log_s | take 1`,
      source,
    );
    expect(source.hints?.timeFrom).toBe(Math.max(T0 + 10 * MIN, NOW - 60 * MIN));
    expect(source.hints?.timeTo).toBe(T0 + 60 * MIN);
    expect(Object.fromEntries(source.hints?.equals ?? [])).toEqual({
      SessionPoolName_s: 'pool1',
      Log_s: 'x',
    });
  });

  it('understands between, including a relative timespan upper bound', () => {
    const source = recordingSource();
    runKql(`${T} | where TimeGenerated between (datetime(2026-01-01T00:30:00Z) .. 10m)`, source);
    expect(source.hints).toMatchObject({ timeFrom: T0 + 30 * MIN, timeTo: T0 + 40 * MIN });
  });

  it('ignores or, negation, case-insensitive equality, non-constants and wheres after a reshape', () => {
    const cases = [
      `${T} | where TimeGenerated > ago(1h) or SessionPoolName_s == 'a'`,
      `${T} | where not(TimeGenerated > ago(1h)) and SessionPoolName_s =~ 'a'`,
      `${T} | where TimeGenerated !between (ago(1h) .. now()) and SessionPoolName_s != 'a'`,
      `${T} | where TimeGenerated > TimeGenerated - 1h and SessionPoolName_s == SessionId_s`,
      `${T} | extend TimeGenerated = now() | where TimeGenerated > ago(1h)`,
      `${T} | take 5 | where SessionPoolName_s == 'a'`,
    ];
    for (const q of cases) {
      const source = recordingSource();
      runKql(q, source);
      expect(source.hints).toEqual({ equals: new Map() });
    }
  });

  it('a source that applies the hints returns the same results as one that ignores them', () => {
    const queries = [
      `${T} | where TimeGenerated >= datetime(2026-01-01T00:20:00Z) and SessionPoolName_s == 'pool2' | project Log_s`,
      `${T} | where TimeGenerated > ago(30m) | where TimeGenerated < ago(10m) | summarize count() by SessionId_s`,
      `${T} | where datetime(2026-01-01T00:50:00Z) >= TimeGenerated and Log_s has 'error' | count`,
      `${T} | where TimeGenerated == datetime(2026-01-01T00:42:00Z) | project Log_s`,
    ];
    for (const q of queries) {
      const applying = recordingSource(true);
      expect(runKql(q, applying).rows).toEqual(runKql(q, recordingSource()).rows);
      expect(applying.pulled).toBeLessThan(100);
    }
  });
});
