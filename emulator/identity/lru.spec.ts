import { describe, expect, it } from 'vitest';
import { ExpiringLru } from './lru.js';

describe('ExpiringLru', () => {
  it('evicts the least recently used entry beyond its bound', () => {
    const lru = new ExpiringLru<number>(2);
    lru.set('a', 1, 100);
    lru.set('b', 2, 100);
    expect(lru.get('a', 0)).toBe(1); // a is now the most recent
    lru.set('c', 3, 100);
    expect(lru.get('b', 0)).toBeUndefined();
    expect(lru.get('a', 0)).toBe(1);
    expect(lru.get('c', 0)).toBe(3);
    expect(lru.size).toBe(2);
  });

  it('forgets entries once they expire', () => {
    const lru = new ExpiringLru<number>(10);
    lru.set('a', 1, 50);
    expect(lru.get('a', 49)).toBe(1);
    expect(lru.get('a', 50)).toBeUndefined();
    expect(lru.size).toBe(0);
  });
});
