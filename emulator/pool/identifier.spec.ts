import { describe, expect, it } from 'vitest';
import { identifierFromQuery, requireIdentifier, validateIdentifier } from './identifier.js';

describe('identifierFromQuery', () => {
  it('decodes percent-encoded identifiers', () => {
    expect(identifierFromQuery('identifier=user%7C42%2Fa')).toBe('user|42/a');
  });
  it('keeps + as a plus, not a space', () => {
    expect(identifierFromQuery('a=1&identifier=a+b+c')).toBe('a+b+c');
  });
  it('takes a raw % that is not an escape literally', () => {
    expect(identifierFromQuery('identifier=50%off')).toBe('50%off');
  });
  it('is undefined when absent', () => {
    expect(identifierFromQuery('api-version=2025-02-02-preview')).toBeUndefined();
  });
});

describe('validateIdentifier', () => {
  it.each(['abcd', 'user-1234', 'a|b&c^d%e$f#g(h)i{j}k[l];m<n>', "x_:\"'?/.,@*+=!~`"])('accepts %s', (id) => {
    expect(validateIdentifier(id)).toBeUndefined();
  });
  it.each([
    ['abc', '4 to 128'],
    ['a'.repeat(129), '4 to 128'],
    ['has space', 'only letters'],
    ['ünïcode', 'only letters'],
    ['tab\there', 'only letters'],
  ])('rejects %j', (id, message) => {
    const error = validateIdentifier(id);
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('SessionRequestValidationFailed');
    expect(error?.message).toContain(message);
  });
  it('accepts exactly 4 and 128 characters', () => {
    expect(validateIdentifier('a'.repeat(4))).toBeUndefined();
    expect(validateIdentifier('a'.repeat(128))).toBeUndefined();
  });
});

describe('requireIdentifier', () => {
  it('reports a missing identifier', () => {
    const result = requireIdentifier('');
    expect('error' in result && result.error.message).toContain("'identifier' is required");
  });
  it('reports an empty identifier as missing', () => {
    expect('error' in requireIdentifier('identifier=')).toBe(true);
  });
});
