import type { EventBatch } from './contract.js';

/** `denied`: the API refused the token (401/403); retrying cannot help until the page gets one. */
export type StreamState = 'connecting' | 'open' | 'retrying' | 'denied' | 'closed';

export interface EventStreamOptions {
  url: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  onBatch(batch: EventBatch): void;
  onState(state: StreamState, detail?: string): void;
  /** Delay before reconnecting; doubles up to 10 s while the emulator stays unreachable. */
  retryMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Reads the admin event stream (server-sent events) with fetch rather than EventSource, so it can carry
 * the admin token as a header. Reconnects resume after the last sequence number seen.
 */
export function openEventStream(options: EventStreamOptions): () => void {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer =
    options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let closed = false;
  let lastSeq: number | undefined;
  let controller: AbortController | undefined;
  let timer: unknown;
  let delay = options.retryMs ?? 500;

  const connect = async (): Promise<void> => {
    controller = new AbortController();
    options.onState('connecting');
    const url = lastSeq === undefined ? options.url : `${options.url}?after=${lastSeq}`;
    try {
      const response = await options.fetch(url, { headers: options.headers, signal: controller.signal });
      if (response.status === 401 || response.status === 403) {
        options.onState('denied', `the event stream answered ${response.status}`);
        return;
      }
      if (!response.ok || !response.body) throw new Error(`the event stream answered ${response.status}`);
      options.onState('open');
      delay = options.retryMs ?? 500;
      await readMessages(response.body, (data) => {
        const batch = JSON.parse(data) as EventBatch;
        const last = batch.events.at(-1);
        if (last) lastSeq = last.seq;
        options.onBatch(batch);
      });
      throw new Error('the event stream ended');
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
