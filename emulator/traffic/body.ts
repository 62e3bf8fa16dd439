import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { ExchangeKind } from './annotations.js';
import { redactBodyText, redactJwtTail, redactJwts, type Redactions } from './redact.js';
import type { StoredBody } from './types.js';

/**
 * Bytes kept beyond the cap so that redaction sees a secret that straddles the cut; the stored
 * part is cut to the cap only after redaction.
 */
const REDACTION_SLACK = 16 * 1024;

/**
 * Collects a body as it streams past: references to the first chunks up to the limit, and the count
 * of every byte. Never copies, never delays a chunk.
 */
export class BodyCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  size = 0;
  complete = false;

  constructor(private readonly limit: number) {}

  add(chunk: unknown, encoding?: unknown): void {
    let buffer: Buffer;
    if (Buffer.isBuffer(chunk)) buffer = chunk;
    else if (chunk instanceof Uint8Array) buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else if (typeof chunk === 'string') buffer = Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    else return;
    this.size += buffer.length;
    if (this.kept >= this.limit) return;
    const room = this.limit - this.kept;
    const part = buffer.length > room ? buffer.subarray(0, room) : buffer;
    this.chunks.push(part);
    this.kept += part.length;
  }

  bytes(): Buffer {
    return this.chunks.length === 1 && this.chunks[0] ? this.chunks[0] : Buffer.concat(this.chunks);
  }
}

export function captureLimit(cap: number): number {
  return cap + REDACTION_SLACK;
}

export interface BodyContext {
  cap: number;
  kind: ExchangeKind;
  contentType: string;
  contentEncoding: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Valid UTF-8 without NUL → text. A multi-byte character cut by the capture limit does not make it binary. */
function asText(bytes: Buffer, cut: boolean): string | undefined {
  for (let drop = 0; drop <= (cut ? 3 : 0) && drop < bytes.length; drop++) {
    try {
      const text = utf8.decode(bytes.subarray(0, bytes.length - drop));
      return text.includes('\u0000') ? undefined : text;
    } catch {
      // Try again without what may be the start of a character cut in half.
    }
  }
  return undefined;
}

/** The first `cap` bytes of `text`, never splitting a character. */
function cutText(text: string, cap: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= cap) return text;
  let end = cap;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

type Decoded = { bytes: Buffer; decoded?: StoredBody['decoded']; omitted?: string };

/**
 * Compressed bodies are decoded so they can be checked for secrets. One that cannot be decoded whole
 * (cut by the cap, corrupt, several codings, larger than the cap once decoded) is not stored at all:
 * storing bytes that were never checked could store a token.
 */
function decode(bytes: Buffer, complete: boolean, ctx: BodyContext): Decoded {
  const coding = ctx.contentEncoding.trim().toLowerCase();
  if (coding === '' || coding === 'identity') return { bytes };
  const name = coding === 'x-gzip' ? 'gzip' : coding;
  if (name !== 'gzip' && name !== 'deflate' && name !== 'br') return { bytes: Buffer.alloc(0), omitted: `content-encoding '${coding}' cannot be checked for secrets` };
  if (!complete) return { bytes: Buffer.alloc(0), omitted: `a ${name} body larger than the cap cannot be checked for secrets` };
  try {
    const options = { maxOutputLength: captureLimit(ctx.cap) };
    const out = name === 'gzip' ? gunzipSync(bytes, options) : name === 'deflate' ? inflateSync(bytes, options) : brotliDecompressSync(bytes, options);
    return { bytes: out, decoded: name };
  } catch {
    return { bytes: Buffer.alloc(0), omitted: `the ${name} body could not be decoded within the cap` };
  }
}

/** One literal shape for every stored body (spreading optional parts cost more than the redaction). */
function stored(
  capture: BodyCapture,
  encoding: StoredBody['encoding'],
  data: string,
  truncated: boolean,
  decoded?: StoredBody['decoded'],
  omitted?: string,
): StoredBody {
  return { size: capture.size, incomplete: capture.complete ? undefined : true, encoding, data, truncated, decoded, omitted };
}

/** Redacts, then cuts to the cap; `size` stays the size on the wire. */
export function storeBody(capture: BodyCapture, ctx: BodyContext, found: Redactions): StoredBody {
  if (capture.size === 0) return stored(capture, 'utf8', '', false);
  const raw = capture.bytes();
  const wireComplete = raw.length === capture.size;
  const { bytes, decoded, omitted } = decode(raw, wireComplete, ctx);
  if (omitted) return stored(capture, 'utf8', '', capture.size > ctx.cap, undefined, omitted);
  const fullLength = decoded ? bytes.length : capture.size;
  const truncated = fullLength > ctx.cap;
  const text = asText(bytes, !wireComplete || bytes.length > ctx.cap);
  if (text !== undefined) {
    let data = redactBodyText(text, ctx.contentType, ctx.kind, found);
    if (truncated) data = redactJwtTail(cutText(data, ctx.cap), found);
    return stored(capture, 'utf8', data, truncated, decoded);
  }
  // Binary: latin1 maps bytes 1:1 to characters, so ASCII tokens inside binary data are found too.
  let latin = redactJwts(bytes.toString('latin1'), found);
  if (truncated) latin = redactJwtTail(latin.slice(0, ctx.cap), found);
  return stored(capture, 'base64', Buffer.from(latin, 'latin1').toString('base64'), truncated, decoded);
}

/** The stored bytes of a body (what a replay sends when the body is complete). */
export function bodyBytes(body: StoredBody): Buffer {
  return Buffer.from(body.data, body.encoding === 'base64' ? 'base64' : 'utf8');
}
