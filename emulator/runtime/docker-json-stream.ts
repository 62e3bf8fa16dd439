import { StringDecoder } from 'node:string_decoder';

/**
 * The engine streams events, pull progress and build output as concatenated JSON objects, usually
 * one per line. Chunks split wherever the socket pleases — mid-object and mid-UTF-8 sequence — so the
 * splitter tracks object depth (outside strings) rather than trusting newlines, and decodes bytes with
 * a StringDecoder so a multi-byte character cut across chunks survives.
 */
export class JsonObjectSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Where the scan of `pending` resumes; everything before it has been classified already. */
  private scanned = 0;

  constructor(private readonly onInvalid: (text: string, error: Error) => void = () => undefined) {}

  /** Feeds one chunk; returns every complete top-level object it finished. */
  push(chunk: Buffer | string): unknown[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const objects: unknown[] = [];
    let start = this.depth === 0 ? -1 : 0;
    for (let i = this.scanned; i < this.pending.length; i++) {
      const c = this.pending[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') {
        this.inString = true;
      } else if (c === '{') {
        if (this.depth++ === 0) start = i;
      } else if (c === '}' && this.depth > 0 && --this.depth === 0) {
        this.parse(this.pending.slice(start, i + 1), objects);
        start = -1;
      }
    }
    // Keep only the unfinished object (or nothing: text between objects is whitespace or junk).
    this.pending = start >= 0 ? this.pending.slice(start) : '';
    this.scanned = this.pending.length;
    return objects;
  }

  private parse(text: string, into: unknown[]): void {
    try {
      into.push(JSON.parse(text));
    } catch (err) {
      this.onInvalid(text, err instanceof Error ? err : new Error(String(err)));
    }
  }
}

/** A progress message that reports failure: `{"error": "...", "errorDetail": {"message": "..."}}`. */
export function streamError(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { error, errorDetail } = message as { error?: unknown; errorDetail?: { message?: unknown } };
  if (typeof errorDetail?.message === 'string' && errorDetail.message) return errorDetail.message;
  return typeof error === 'string' && error ? error : undefined;
}

/**
 * Reads a pull/build progress stream to its end. Resolves with every message; rejects with the
 * engine's message as soon as one reports an error (the engine keeps the HTTP status 200 for those).
 */
export function readProgressStream(stream: NodeJS.ReadableStream): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const splitter = new JsonObjectSplitter();
    const messages: unknown[] = [];
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(messages);
    };
    stream.on('data', (chunk: Buffer | string) => {
      for (const message of splitter.push(chunk)) {
        const error = streamError(message);
        if (error) finish(new Error(error));
        messages.push(message);
      }
    });
    stream.on('error', (err: Error) => finish(err));
    stream.on('end', () => finish());
    // A socket closed without 'end' means the engine went away mid-stream.
    stream.on('close', () => finish(settled ? undefined : new Error('the engine closed the stream before it ended')));
  });
}
