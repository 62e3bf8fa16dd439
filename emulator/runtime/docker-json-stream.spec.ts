import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonObjectSplitter, readProgressStream } from './docker-json-stream.js';

describe('JsonObjectSplitter', () => {
  it('splits objects whatever the chunk boundaries, including inside strings and UTF-8 sequences', () => {
    const text = '{"a":1,"s":"br}ace{ \\" quote ü"}\n{"b":{"nested":[1,{"x":"}"}]}}{"c":3}\r\n';
    const bytes = Buffer.from(text, 'utf8');
    for (let size = 1; size <= bytes.length; size++) {
      const splitter = new JsonObjectSplitter();
      const out: unknown[] = [];
      for (let i = 0; i < bytes.length; i += size) out.push(...splitter.push(bytes.subarray(i, i + size)));
      expect(out).toEqual([{ a: 1, s: 'br}ace{ " quote ü' }, { b: { nested: [1, { x: '}' }] } }, { c: 3 }]);
    }
  });

  it('reports a malformed object and carries on with the next', () => {
    const invalid: string[] = [];
    const splitter = new JsonObjectSplitter((text) => invalid.push(text));
    expect(splitter.push('{bad}\n{"ok":true}')).toEqual([{ ok: true }]);
    expect(invalid).toEqual(['{bad}']);
  });
});

describe('readProgressStream', () => {
  it('resolves with every message at the end of the stream', async () => {
    const stream = new PassThrough();
    const reading = readProgressStream(stream);
    stream.write('{"status":"Pulling"}\n{"stat');
    stream.end('us":"Done"}\n');
    await expect(reading).resolves.toEqual([{ status: 'Pulling' }, { status: 'Done' }]);
  });

  it('rejects with the message of an error reported inside a 200 stream', async () => {
    const stream = new PassThrough();
    const reading = readProgressStream(stream);
    stream.end('{"status":"x"}\n{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\n');
    await expect(reading).rejects.toThrow('manifest unknown');
  });

  it('rejects when the stream is torn down before it ends', async () => {
    const stream = new PassThrough();
    const reading = readProgressStream(stream);
    stream.destroy();
    await expect(reading).rejects.toThrow(/closed the stream/);
  });
});
