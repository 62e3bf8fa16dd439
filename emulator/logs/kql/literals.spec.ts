import { describe, expect, it } from 'vitest';
import { formatDatetime, formatTimespan, parseDatetimeText, parseTimespanText } from './literals.js';
import { tokenize } from './lexer.js';

describe('datetime text', () => {
  it.each([
    ['2026-01-01', Date.UTC(2026, 0, 1)],
    ['2026-01-01T10:30', Date.UTC(2026, 0, 1, 10, 30)],
    ['2026-01-01 10:30:15.5', Date.UTC(2026, 0, 1, 10, 30, 15, 500)],
    ['2026-01-01T10:30:15Z', Date.UTC(2026, 0, 1, 10, 30, 15)],
    ['2026-01-01T10:30:15-0130', Date.UTC(2026, 0, 1, 12, 0, 15)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2026-02-29', undefined],
    ['2026-1-1', undefined],
    ['yesterday', undefined],
  ])('%s → %s', (text, expected) => {
    expect(parseDatetimeText(text)).toBe(expected);
  });

  it('formats without milliseconds unless present', () => {
    expect(formatDatetime(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00Z');
    expect(formatDatetime(Date.UTC(2026, 0, 1, 0, 0, 0, 250))).toBe('2026-01-01T00:00:00.250Z');
  });
});

describe('timespan text', () => {
  it.each([
    ['1d', 86_400_000],
    ['2hours', 7_200_000],
    ['-30m', -1_800_000],
    ['1.5s', 1500],
    ['10tick', 0.001],
    ['01:02', 3_720_000],
    ['1.00:00:01.5', 86_401_500],
    ['1x', undefined],
    ['1:2:3', undefined],
  ])('%s → %s', (text, expected) => {
    expect(parseTimespanText(text)).toBe(expected);
  });

  it('formats as [-][d.]hh:mm:ss[.fffffff]', () => {
    expect(formatTimespan(0)).toBe('00:00:00');
    expect(formatTimespan(90_061_001)).toBe('1.01:01:01.0010000');
    expect(formatTimespan(-500)).toBe('-00:00:00.5000000');
  });
});

describe('tokenize', () => {
  it('splits operators, words, literals and keeps offsets', () => {
    const tokens = tokenize("T | where a !has 'x' and b in~ (1.5, 2h)");
    expect(tokens.map((t) => `${t.kind}:${t.text}@${t.offset}`)).toEqual([
      'ident:T@0',
      'punct:|@2',
      'ident:where@4',
      'ident:a@10',
      'ident:!has@12',
      "string:'x'@17",
      'ident:and@21',
      'ident:b@25',
      'ident:in~@27',
      'punct:(@31',
      'number:1.5@32',
      'punct:,@35',
      'timespan:2h@37',
      'punct:)@39',
      'eof:@40',
    ]);
    expect(tokens[10]?.real).toBe(true);
  });
});
