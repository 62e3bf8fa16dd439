import { describe, expect, it } from 'vitest';
import { LineAssembler, MAX_LINE_CHARS, SPLIT_MARK, type AssembledLine } from './line-assembler.js';

function run(entries: (string | Buffer)[], end = true): string[] {
  const assembler = new LineAssembler();
  const out: AssembledLine[] = [];
  entries.forEach((e, i) => assembler.push(Buffer.isBuffer(e) ? e : Buffer.from(e), i, out));
  if (end) assembler.end(out);
  return out.map((l) => l.text);
}

describe('LineAssembler', () => {
  it('turns newline-terminated entries into lines, dropping the newline and a trailing CR', () => {
    expect(run(['one\n', 'two\r\n', '\n'])).toEqual(['one', 'two', '']);
  });

  it('joins partial entries (an engine-split long line) and splits entries holding several lines', () => {
    expect(run(['par', 'tial\n', 'a\nb\n'])).toEqual(['partial', 'a', 'b']);
  });

  it('keeps the time of the entry that started the line', () => {
    const assembler = new LineAssembler();
    const out: AssembledLine[] = [];
    assembler.push(Buffer.from('start '), 10, out);
    assembler.push(Buffer.from('end\n'), 20, out);
    expect(out).toEqual([{ time: 10, text: 'start end' }]);
  });

  it('splits lines longer than the cap into marked pieces without losing characters', () => {
    const long = 'x'.repeat(MAX_LINE_CHARS * 2 + 10);
    const lines = run([long + '\n']);
    expect(lines).toHaveLength(3);
    expect(lines[0]?.endsWith(SPLIT_MARK)).toBe(true);
    expect(lines[1]?.startsWith(SPLIT_MARK) && lines[1].endsWith(SPLIT_MARK)).toBe(true);
    expect(lines[2]).toBe(SPLIT_MARK + 'x'.repeat(10));
    expect(lines.join('').replaceAll(SPLIT_MARK, '')).toBe(long);
  });

  it('emits pieces of an unterminated flood as it arrives, holding at most the cap', () => {
    const assembler = new LineAssembler();
    const out: AssembledLine[] = [];
    for (let i = 0; i < 10; i++) assembler.push(Buffer.from('y'.repeat(10_000)), i, out);
    expect(out.length).toBe(6);
    assembler.push(Buffer.from('\n'), 11, out);
    expect(
      out
        .map((l) => l.text)
        .join('')
        .replaceAll(SPLIT_MARK, ''),
    ).toBe('y'.repeat(100_000));
  });

  it('decodes a multi-byte character split across entries intact', () => {
    const bytes = Buffer.from('grüße 😀\n');
    expect(run([bytes.subarray(0, 3), bytes.subarray(3, 10), bytes.subarray(10)])).toEqual(['grüße 😀']);
  });

  it('turns binary output into replacement characters and keeps going', () => {
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x07, 0x0a]);
    expect(run([binary, 'next\n'])).toEqual(['\uFFFD\uFFFD\uFFFDA\uFFFD', 'next']);
  });

  it('keeps tabs and ANSI colour codes', () => {
    expect(run(['\u001b[31mred\tcell\u001b[0m\n'])).toEqual(['\u001b[31mred\tcell\u001b[0m']);
  });

  it('flushes an unterminated last line at the end of the stream', () => {
    expect(run(['no newline at exit'])).toEqual(['no newline at exit']);
    expect(run(['done\n'], true)).toEqual(['done']);
  });
});
