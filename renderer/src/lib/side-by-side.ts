import { diffLines } from 'diff';

export interface DiffCell {
  /** 1-based line number in its side; undefined for the empty side of an added/removed line. */
  line?: number;
  text: string;
}

export interface DiffRow {
  kind: 'same' | 'changed' | 'removed' | 'added';
  left: DiffCell;
  right: DiffCell;
}

export interface SideBySide {
  rows: DiffRow[];
  /** Rows were cut at `maxRows` (huge bodies): the patch or an export shows the rest. */
  cut: boolean;
  added: number;
  removed: number;
}

function linesOf(value: string): string[] {
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Two texts as aligned rows: unchanged lines side by side, a removed block next to the added block
 * that replaced it (row by row), the rest against an empty cell. JSON should be pretty-printed first
 * so changed fields show as changed lines.
 */
export function sideBySide(a: string, b: string, maxRows = 2000): SideBySide {
  const rows: DiffRow[] = [];
  let left = 0;
  let right = 0;
  let added = 0;
  let removed = 0;
  const parts = diffLines(a, b);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (!part) continue;
    const lines = linesOf(part.value);
    if (!part.added && !part.removed) {
      for (const text of lines)
        rows.push({ kind: 'same', left: { line: ++left, text }, right: { line: ++right, text } });
      continue;
    }
    if (part.removed) {
      removed += lines.length;
      const next = parts[i + 1];
      const replacement = next?.added ? linesOf(next.value) : [];
      if (next?.added) {
        added += replacement.length;
        i++;
      }
      const count = Math.max(lines.length, replacement.length);
      for (let k = 0; k < count; k++) {
        const l = lines[k];
        const r = replacement[k];
        rows.push({
          kind: l !== undefined && r !== undefined ? 'changed' : l !== undefined ? 'removed' : 'added',
          left: l === undefined ? { text: '' } : { line: ++left, text: l },
          right: r === undefined ? { text: '' } : { line: ++right, text: r },
        });
      }
      continue;
    }
    added += lines.length;
    for (const text of lines)
      rows.push({ kind: 'added', left: { text: '' }, right: { line: ++right, text } });
  }
  return { rows: rows.slice(0, maxRows), cut: rows.length > maxRows, added, removed };
}

/** JSON pretty-printed (so a diff shows fields), anything else as is. */
export function prettyText(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
