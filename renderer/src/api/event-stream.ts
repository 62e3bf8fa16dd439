import type { EventBatch } from './contract.js';

/** `denied`: the API refused the token (401/403); retrying cannot help until the page gets one. */
export type StreamState = 'connecting' | 'open' | 'retrying' | 'denied' | 'closed';

interface StreamTiming {
  /** Delay before reconnecting; doubles up to 10 s while the emulator stays unreachable. */
  retryMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface SseOptions<T> extends StreamTiming {
  /** The URL of each (re)connection: it carries where to resume (`after=…`). */
  url: () => string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  onMessage(message: T): void;
  onState(state: StreamState, detail?: string): void;
  /** A 4xx answer other than 401/403 (bad filter …) or 501 (not mounted): reported, not retried. */
  onRejected?(status: number, body: string): void;
}

/**
 * Reads a server-sent-events endpoint of the admin API with fetch rather than EventSource, so it can
 * carry the admin token as a header. Each `data:` payload is JSON; the stream reconnects with growing
 * delays until closed, asking `url()` where to resume.
 */
export function openSse<T>(options: SseOptions<T>): () => void {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer =
    options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let closed = false;
  let controller: AbortController | undefined;
  let timer: unknown;
  let delay = options.retryMs ?? 500;

  const connect = async (): Promise<void> => {
    controller = new AbortController();
    options.onState('connecting');
    try {
      const response = await options.fetch(options.url(), {
        headers: options.headers,
        signal: controller.signal,
      });
      if (response.status === 401 || response.status === 403) {
        options.onState('denied', `the stream answered ${response.status}`);
        return;
      }
      const permanent = (response.status >= 400 && response.status < 500) || response.status === 501;
      if (permanent && options.onRejected) {
        options.onRejected(response.status, await response.text());
        options.onState('closed', `the stream answered ${response.status}`);
        return;
      }
      if (!response.ok || !response.body) throw new Error(`the stream answered ${response.status}`);
      options.onState('open');
      delay = options.retryMs ?? 500;
      await readMessages(response.body, (data) => options.onMessage(JSON.parse(data) as T));
      throw new Error('the stream ended');
    } catch (error) {
      if (closed) return;
      options.onState('retrying', error instanceof Error ? error.message : String(error));
      timer = setTimer(() => void connect(), delay);
      delay = Math.min(delay * 2, 10_000);
    }
  };

  void connect();
  return () => {
    closed = true;
    clearTimer(timer);
    controller?.abort();
    options.onState('closed');
  };
}

export interface EventStreamOptions extends StreamTiming {
  url: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  onBatch(batch: EventBatch): void;
  onState(state: StreamState, detail?: string): void;
}

/** The admin event stream; reconnects resume after the last sequence number seen. */
export function openEventStream(options: EventStreamOptions): () => void {
  let lastSeq: number | undefined;
  return openSse<EventBatch>({
    ...options,
    url: () => (lastSeq === undefined ? options.url : `${options.url}?after=${lastSeq}`),
    onMessage: (batch) => {
      const last = batch.events.at(-1);
      if (last) lastSeq = last.seq;
      options.onBatch(batch);
    },
  });
}

/** Splits a server-sent-events body into the `data:` payloads of its messages. */
export async function readMessages(
  body: ReadableStream<Uint8Array>,
  onData: (data: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = message
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
        .join('\n');
      if (data !== '') onData(data);
    }
  }
}
