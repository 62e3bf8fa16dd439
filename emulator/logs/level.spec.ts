import { describe, expect, it } from 'vitest';
import { inferLevel } from './level.js';

describe('inferLevel', () => {
  it.each([
    ['ERROR something broke', 'error'],
    ['WARN disk almost full', 'warning'],
    ['[warning] deprecated', 'warning'],
    ['INFO:     Uvicorn running on http://0.0.0.0:8080', 'info'],
    ['2026-01-02 03:04:05,123 DEBUG pool: checking', 'debug'],
    ['2026-01-02T03:04:05Z fatal: cannot continue', 'critical'],
    ['time=2026-01-02 level=warn msg="slow"', 'warning'],
    ['{"level":"error","msg":"boom"}', 'error'],
    ['{"level":40,"msg":"pino warn"}', 'warning'],
    ['{"severity":"INFO","message":"gcp style"}', 'info'],
    ['{"log":{"level":"debug"}}', 'debug'],
  ])('%s → %s', (line, level) => {
    expect(inferLevel(line, 'stdout')).toBe(level);
  });

  it('falls back on the stream: stdout is info, stderr is error', () => {
    expect(inferLevel('plain text', 'stdout')).toBe('info');
    expect(inferLevel('Traceback (most recent call last):', 'stderr')).toBe('error');
    expect(inferLevel('INFO: started', 'stderr')).toBe('info');
  });

  it('does not take level words from the middle of a sentence', () => {
    expect(inferLevel('the user asked about an error in their code', 'stdout')).toBe('info');
    expect(inferLevel('{"not json', 'stdout')).toBe('info');
  });
});
