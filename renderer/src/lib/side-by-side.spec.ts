import { describe, expect, it } from 'vitest';
import { prettyText, sideBySide } from './side-by-side.js';

describe('sideBySide', () => {
  it('pairs a changed line with its replacement and keeps unchanged lines aligned', () => {
    const a = prettyText('{"a":1,"b":2,"c":3}');
    const b = prettyText('{"a":1,"b":5,"c":3,"d":4}');
    const diff = sideBySide(a, b);
    const changed = diff.rows.filter((r) => r.kind !== 'same');
    expect(changed.map((r) => [r.kind, r.left.text.trim(), r.right.text.trim()])).toEqual([
      ['changed', '"b": 2,', '"b": 5,'],
      ['changed', '"c": 3', '"c": 3,'],
      ['added', '', '"d": 4'],
    ]);
    expect(diff.rows.at(-1)).toMatchObject({ kind: 'same', left: { line: 5 }, right: { line: 6 } });
    expect(diff.added).toBe(3);
    expect(diff.removed).toBe(2);
  });

  it('cuts very long diffs and says so', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `line ${i}`).join('\n');
    const diff = sideBySide(a, `${a}\nmore`, 100);
    expect(diff.rows).toHaveLength(100);
    expect(diff.cut).toBe(true);
  });
});
