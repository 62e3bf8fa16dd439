import { describe, expect, it } from 'vitest';
import { LogFrameParser, sinceParameter } from './docker-logs.js';

function frame(type: number, payload: string): Buffer {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

describe('LogFrameParser', () => {
  it('demultiplexes stdout and stderr frames and splits off the timestamp', () => {
    const parser = new LogFrameParser();
    const entries = parser.push(
      Buffer.concat([
        frame(1, '2026-01-02T03:04:05.000000001Z hello\n'),
        frame(2, '2026-01-02T03:04:05.000000002Z oops\n'),
      ]),
    );
    expect(entries.map((e) => [e.stream, e.timestamp, e.data.toString()])).toEqual([
      ['stdout', '2026-01-02T03:04:05.000000001Z', 'hello\n'],
      ['stderr', '2026-01-02T03:04:05.000000002Z', 'oops\n'],
    ]);
  });

  it('keeps a frame split across reads until it is complete', () => {
    const parser = new LogFrameParser();
    const bytes = Buffer.concat([
      frame(1, '2026-01-02T03:04:05.1Z first\n'),
      frame(1, '2026-01-02T03:04:05.2Z second\n'),
    ]);
    const seen: string[] = [];
    for (let i = 0; i < bytes.length; i += 5) {
      for (const e of parser.push(bytes.subarray(i, i + 5))) seen.push(e.data.toString());
    }
    expect(seen).toEqual(['first\n', 'second\n']);
  });
});

describe('sinceParameter', () => {
  it('keeps nanosecond precision', () => {
    expect(sinceParameter('2026-01-02T03:04:05.000000123Z')).toBe(
      `${Date.parse('2026-01-02T03:04:05Z') / 1000}.000000123`,
    );
    expect(sinceParameter('2026-01-02T03:04:05Z')).toBe(
      `${Date.parse('2026-01-02T03:04:05Z') / 1000}.000000000`,
    );
    expect(sinceParameter('nonsense')).toBeUndefined();
  });
});
