import { describe, expect, it } from 'vitest';
import { parsePoolUrl, poolPath } from './pool-url.js';

describe('parsePoolUrl', () => {
  it('splits endpoint, rest and query', () => {
    const url = '/subscriptions/s1/resourceGroups/rg/sessionPools/p1/api/run?identifier=abcd&x=1';
    expect(parsePoolUrl(url)).toEqual({
      subscriptionId: 's1',
      resourceGroup: 'rg',
      pool: 'p1',
      rest: '/api/run',
      query: 'identifier=abcd&x=1',
      prefix: '/subscriptions/s1/resourceGroups/rg/sessionPools/p1',
    });
  });
  it('treats the bare endpoint (with or without slash) as the root path', () => {
    expect(parsePoolUrl('/subscriptions/s/resourceGroups/r/sessionPools/p?identifier=abcd')?.rest).toBe('/');
    expect(parsePoolUrl('/subscriptions/s/resourceGroups/r/sessionPools/p/?identifier=abcd')?.rest).toBe('/');
  });
  it('matches the fixed segments case-insensitively', () => {
    expect(parsePoolUrl('/SUBSCRIPTIONS/s/resourcegroups/r/SESSIONPOOLS/p/x')?.pool).toBe('p');
  });
  it('rejects other paths', () => {
    expect(parsePoolUrl('/healthz')).toBeUndefined();
    expect(parsePoolUrl('/subscriptions/s/resourceGroups/r/providers/Microsoft.App/sessionPools/p')).toBeUndefined();
  });
  it('round-trips poolPath', () => {
    expect(parsePoolUrl(poolPath('s', 'r', 'p') + '/a')?.prefix).toBe(poolPath('s', 'r', 'p'));
  });
});
