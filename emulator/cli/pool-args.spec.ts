import { describe, expect, it } from 'vitest';
import { UsageError, keyValues, numberOrText, parseFlags, type FlagSpecs } from './pool-args.js';

const SPECS: FlagSpecs = {
  name: { type: 'string', short: 'n' },
  'env-vars': { type: 'list' },
  args: { type: 'list' },
  'no-wait': { type: 'boolean' },
};

describe('parseFlags', () => {
  it('takes az-style list flags up to the next flag, and inline values', () => {
    const { values, positionals } = parseFlags(
      ['-n', 'pool1', '--env-vars', 'A=1', 'B=secretref:s', '--no-wait', '--args', '-c', 'echo hi', '--name=other', 'extra'],
      SPECS,
    );
    expect(values).toEqual({ name: 'other', 'env-vars': ['A=1', 'B=secretref:s'], 'no-wait': true, args: ['-c', 'echo hi'] });
    expect(positionals).toEqual(['extra']);
  });

  it('repeated list flags add up; an empty word is kept (it means "clear")', () => {
    expect(parseFlags(['--env-vars', 'A=1', '--env-vars', 'B=2'], SPECS).values['env-vars']).toEqual(['A=1', 'B=2']);
    expect(parseFlags(['--env-vars', ''], SPECS).values['env-vars']).toEqual(['']);
  });

  it('refuses unknown flags, missing values and values for booleans', () => {
    expect(() => parseFlags(['--bogus'], SPECS)).toThrow(UsageError);
    expect(() => parseFlags(['--name'], SPECS)).toThrow("option '--name' needs a value");
    expect(() => parseFlags(['--no-wait=yes'], SPECS)).toThrow('takes no value');
  });
});

describe('keyValues and numbers', () => {
  it('splits at the first =', () => {
    expect(keyValues(['A=b=c', 'E='], 'env-vars')).toEqual([['A', 'b=c'], ['E', '']]);
    expect(keyValues([''], 'env-vars')).toEqual([]);
    expect(() => keyValues(['=x'], 'secrets')).toThrow("'--secrets' takes key=value pairs");
  });

  it('sends numbers as numbers and anything else as typed', () => {
    expect(numberOrText('0.5')).toBe(0.5);
    expect(numberOrText('abc')).toBe('abc');
    expect(numberOrText('')).toBe('');
    expect(numberOrText(undefined)).toBeUndefined();
  });
});
