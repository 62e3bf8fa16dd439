import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BodyCapture, bodyBytes, captureLimit, storeBody, type BodyContext } from './body.js';

function capture(data: Buffer | string, cap: number, chunk = 7): BodyCapture {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const body = new BodyCapture(captureLimit(cap));
  for (let i = 0; i < bytes.length; i += chunk) body.add(bytes.subarray(i, i + chunk));
  body.complete = true;
  return body;
}

const ctx = (cap: number, extra: Partial<BodyContext> = {}): BodyContext => ({ cap, kind: 'data', contentType: '', contentEncoding: '', ...extra });

describe('stored bodies', () => {
  it('keeps the full size and marks a cut; never splits a character', () => {
    const text = 'é'.repeat(100); // 200 bytes
    const stored = storeBody(capture(text, 51), ctx(51), new Set());
    expect(stored).toMatchObject({ size: 200, truncated: true, encoding: 'utf8' });
    expect(stored.data).toBe('é'.repeat(25));
  });

  it('counts every byte but keeps only the capture limit in memory', () => {
    const body = new BodyCapture(10);
    body.add(Buffer.alloc(8));
    body.add('abcdef', 'latin1');
    body.add(new Uint8Array([1, 2, 3]));
    expect(body.size).toBe(17);
    expect(body.bytes().length).toBe(10);
  });

  it('stores binary as base64 and gives the same bytes back', () => {
    const bytes = Buffer.from([0, 255, 1, 2, 0x80]);
    const stored = storeBody(capture(bytes, 100), ctx(100), new Set());
    expect(stored.encoding).toBe('base64');
    expect(bodyBytes(stored).equals(bytes)).toBe(true);
  });

  it('decodes gzip to check it, and refuses to store compressed bytes it could not check', () => {
    const plain = '{"access_token":"abcdefghijkl"}';
    const zipped = gzipSync(plain);
    const found = new Set<string>();
    const stored = storeBody(capture(zipped, 1000), ctx(1000, { contentEncoding: 'gzip', contentType: 'application/json' }), found);
    expect(stored).toMatchObject({ decoded: 'gzip', data: '{"access_token":"[REDACTED]"}', size: zipped.length });
    const big = gzipSync(Buffer.alloc(100_000, 'a'));
    const cut = storeBody(capture(big, 50), ctx(50, { contentEncoding: 'gzip' }), new Set());
    expect(cut.data).toBe('');
    expect(cut.omitted).toBe('the gzip body could not be decoded within the cap');
    const truncated = storeBody(capture(gzipSync(randomBytes(90_000)), 50), ctx(50, { contentEncoding: 'gzip' }), new Set());
    expect(truncated.omitted).toBe('a gzip body larger than the cap cannot be checked for secrets');
    const unknown = storeBody(capture('zzz', 50), ctx(50, { contentEncoding: 'compress' }), new Set());
    expect(unknown.omitted).toContain("content-encoding 'compress'");
  });

  it('marks a body that was not read to its end', () => {
    const body = new BodyCapture(100);
    body.add('part');
    expect(storeBody(body, ctx(100), new Set())).toMatchObject({ data: 'part', incomplete: true });
  });
});
