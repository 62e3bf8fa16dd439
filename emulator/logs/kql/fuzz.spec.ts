import { describe, expect, it } from 'vitest';
import { KqlError, runKql, type KqlSource } from './index.js';
import { prng } from '../../util/prng.js';

const T0 = Date.UTC(2026, 0, 1);
const source: KqlSource = {
  table: (name) =>
    name === 'AppEnvSessionConsoleLogs_CL'
      ? [
          { TimeGenerated: T0, SessionPoolName_s: 'a', Stream_s: 'stdout', Log_s: 'hello world' },
          { TimeGenerated: T0 + 61_000, SessionPoolName_s: 'b', Stream_s: 'stderr', Log_s: 'ERROR: boom' },
        ]
      : undefined,
  now: () => T0 + 3_600_000,
};

const VALID = [
  "AppEnvSessionConsoleLogs_CL | where SessionPoolName_s == 'a' and Log_s has 'error' | take 100",
  'AppEnvSessionConsoleLogs_CL | summarize count() by bin(TimeGenerated, 1m)',
  'AppEnvSessionConsoleLogs_CL | where TimeGenerated > ago(1h) | order by TimeGenerated desc | take 100',
  'AppEnvSessionConsoleLogs_CL | project a = strlen(Log_s), b = tolower(Stream_s), c = TimeGenerated + 1.5h',
  'AppEnvSessionConsoleLogs_CL | extend x = iff(Stream_s == "stderr", 1, 0) | sort by x asc, Log_s desc nulls first',
  "AppEnvSessionConsoleLogs_CL | where Log_s !contains 'x' or Stream_s in~ ('STDOUT', \"b\") | top 3 by Log_s asc",
  'AppEnvSessionConsoleLogs_CL | summarize n = countif(Log_s startswith "e"), min(TimeGenerated), dcount(Stream_s) by SessionPoolName_s | count',
  'AppEnvSessionConsoleLogs_CL | where TimeGenerated between (datetime(2026-01-01T00:00:00Z) .. 1d) | distinct SessionPoolName_s, Stream_s',
  "AppEnvSessionConsoleLogs_CL // comment\n| where not(isempty(Log_s)) and Log_s !endswith @'\\x' | limit 5",
  "AppEnvSessionConsoleLogs_CL | extend d = now() - TimeGenerated | where d > timespan(00:30:00) and tostring(d) != 'it\\'s' | project d",
];


/** Runs a query; returns 'ok' or 'kql-error', and rethrows anything else (the property under test). */
function outcome(query: string): 'ok' | 'kql-error' {
  try {
    runKql(query, source);
    return 'ok';
  } catch (error) {
    if (error instanceof KqlError) {
      expect(error.position.line).toBeGreaterThanOrEqual(1);
      expect(error.position.column).toBeGreaterThanOrEqual(1);
      expect(error.position.offset).toBeLessThanOrEqual(query.length);
      return 'kql-error';
    }
    throw new Error(`non-KqlError for ${JSON.stringify(query)}: ${String(error)}`);
  }
}

const NOISE = [
  '|',
  '(',
  ')',
  "'",
  '"',
  ',',
  '=',
  '!',
  '~',
  '.',
  '..',
  ' ',
  '\n',
  '//',
  '@',
  '[',
  ']',
  '1',
  'h',
  'by',
  'and',
  '-',
  '*',
];

describe('fuzzing', () => {
  it('every valid query runs', () => {
    for (const q of VALID) expect(outcome(q)).toBe('ok');
  });

  it('every truncation of a valid query gives a result or a KqlError, never another exception', () => {
    let errors = 0;
    for (const q of VALID) {
      for (let end = 0; end < q.length; end++) if (outcome(q.slice(0, end)) === 'kql-error') errors++;
    }
    expect(errors).toBeGreaterThan(100);
  });

  it('random deletions, insertions and cuts give a result or a KqlError (seeded)', () => {
    const random = prng(20260101);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    for (let i = 0; i < 3000; i++) {
      let q = pick(VALID);
      for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
        const at = Math.floor(random() * (q.length + 1));
        const kind = random();
        if (kind < 0.4) q = q.slice(0, at) + q.slice(at + 1 + Math.floor(random() * 4));
        else if (kind < 0.8) q = q.slice(0, at) + pick(NOISE) + q.slice(at);
        else q = q.slice(0, at);
      }
      outcome(q);
    }
  });
});
