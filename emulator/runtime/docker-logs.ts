import type Dockerode from 'dockerode';
import type { ContainerLogEntry, ContainerLogOptions } from './types.js';

/**
 * Reads a container's output through the engine's logs API with `timestamps: true`. The engine
 * multiplexes stdout and stderr into frames (8-byte header: stream type 1|2, three zero bytes, a
 * big-endian payload length); with timestamps each frame is one stored entry prefixed by its
 * RFC3339Nano time and a space. Frames may arrive split across reads or several per read, so the
 * parser keeps the unfinished tail between chunks.
 */
export class LogFrameParser {
  private pending: Buffer = Buffer.alloc(0);

  /** Entries completed by `chunk`; bytes of an unfinished frame wait for the next chunk. */
  push(chunk: Buffer): ContainerLogEntry[] {
    const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const entries: ContainerLogEntry[] = [];
    let offset = 0;
    while (offset + 8 <= buffer.length) {
      const type = buffer[offset];
      const length = buffer.readUInt32BE(offset + 4);
      if (offset + 8 + length > buffer.length) break;
      const payload = buffer.subarray(offset + 8, offset + 8 + length);
      offset += 8 + length;
      // Type 0 (stdin) never carries output; anything else is not a frame we know.
      if (type === 1 || type === 2) entries.push(toEntry(type === 1 ? 'stdout' : 'stderr', payload));
    }
    // Copy the remainder: keeping a subarray would pin the whole chunk in memory.
    this.pending = offset === buffer.length ? Buffer.alloc(0) : Buffer.from(buffer.subarray(offset));
    return entries;
  }
}

function toEntry(stream: 'stdout' | 'stderr', payload: Buffer): ContainerLogEntry {
  const space = payload.indexOf(0x20);
  // A timestamp is 20–35 characters; a frame without one (should not happen) keeps all its bytes.
  if (space < 19 || space > 40) return { stream, timestamp: '', data: payload };
  return { stream, timestamp: payload.toString('latin1', 0, space), data: payload.subarray(space + 1) };
}

/** RFC3339Nano → the engine's `since` form, `<unix seconds>.<nanoseconds>` (keeps full precision). */
export function sinceParameter(timestamp: string): string | undefined {
  const match = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  const nanos = (match[2] ?? '').padEnd(9, '0').slice(0, 9);
  return `${Math.floor(seconds / 1000)}.${nanos}`;
}

/** What dockerode hands back: a stream with `follow`, else (usually) a Buffer. */
async function* chunksOf(raw: unknown): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(raw)) {
    yield raw;
    return;
  }
  if (typeof raw === 'string') {
    yield Buffer.from(raw, 'latin1');
    return;
  }
  for await (const chunk of raw as AsyncIterable<Buffer | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
  }
}

/** `ContainerRuntime.logs` for Docker/Podman; the stream is destroyed when the caller stops early. */
export async function* dockerLogs(
  docker: Dockerode,
  id: string,
  options: ContainerLogOptions,
): AsyncGenerator<ContainerLogEntry[]> {
  const since = options.since === undefined ? undefined : sinceParameter(options.since);
  const raw: unknown = await docker.getContainer(id).logs({
    stdout: true,
    stderr: true,
    timestamps: true,
    follow: options.follow as true,
    ...(since === undefined ? {} : { since }),
    ...(options.signal ? { abortSignal: options.signal } : {}),
  });
  const stream = raw as { destroy?: () => void };
  const onAbort = (): void => stream.destroy?.();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const parser = new LogFrameParser();
  try {
    for await (const chunk of chunksOf(raw)) {
      const entries = parser.push(chunk);
      if (entries.length > 0) yield entries;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stream.destroy?.();
  }
}
