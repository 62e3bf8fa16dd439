import { describe, expect, it, vi } from 'vitest';
import type { EventBatch } from './contract.js';
import { openEventStream, readMessages, type StreamState } from './event-stream.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

const batch = (seq: number): EventBatch => ({
  replay: false,
  events: [{ seq, event: { type: 'pool.created', pool: 'p', time: 0 } }],
});

describe('event stream', () => {
  it('splits server-sent events across arbitrary chunk borders and skips comments', async () => {
    const data: string[] = [];
    const text = `: ping\n\nid: 1\ndata: ${JSON.stringify(batch(1))}\n\nid: 2\ndata: ${JSON.stringify(batch(2))}\n\n`;
    await readMessages(streamOf([text.slice(0, 17), text.slice(17, 40), text.slice(40)]), (d) =>
      data.push(d),
    );
    expect(data.map((d) => (JSON.parse(d) as EventBatch).events[0]?.seq)).toEqual([1, 2]);
  });

  it('reconnects after the stream ends, resuming after the last sequence number, with the token header', async () => {
    const urls: string[] = [];
    const fetchFake = vi.fn(async (url: string, init?: RequestInit) => {
      urls.push(url);
      expect(new Headers(init?.headers).get('x-sessionite-token')).toBe('t');
      return new Response(streamOf([`data: ${JSON.stringify(batch(urls.length * 10))}\n\n`]), {
        status: 200,
      });
    });
    const states: StreamState[] = [];
    const batches: EventBatch[] = [];
    const timers: (() => void)[] = [];
    const close = openEventStream({
      url: 'http://x/events',
      headers: { 'x-sessionite-token': 't' },
      fetch: fetchFake as unknown as typeof fetch,
      onBatch: (b) => batches.push(b),
      onState: (s) => states.push(s),
      setTimer: (fn) => timers.push(fn),
      clearTimer: () => undefined,
    });
    await vi.waitFor(() => expect(timers).toHaveLength(1));
    timers[0]?.();
    await vi.waitFor(() => expect(timers).toHaveLength(2));
    close();
    expect(urls).toEqual(['http://x/events', 'http://x/events?after=10']);
    expect(batches.map((b) => b.events[0]?.seq)).toEqual([10, 20]);
    expect(states).toEqual(['connecting', 'open', 'retrying', 'connecting', 'open', 'retrying', 'closed']);
  });

  it('stops, without retrying, when the API refuses the token', async () => {
    const fetchFake = vi.fn(async () => new Response('{}', { status: 401 }));
    const states: StreamState[] = [];
    const timers: (() => void)[] = [];
    openEventStream({
      url: 'http://x/events',
      headers: {},
      fetch: fetchFake,
      onBatch: () => undefined,
      onState: (s) => states.push(s),
      setTimer: (fn) => timers.push(fn),
      clearTimer: () => undefined,
    });
    await vi.waitFor(() => expect(states).toContain('denied'));
    expect(timers).toHaveLength(0);
    expect(fetchFake).toHaveBeenCalledTimes(1);
  });
});
