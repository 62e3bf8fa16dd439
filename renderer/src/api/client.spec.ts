import { describe, expect, it, vi } from 'vitest';
import { createHttpClient } from './client.js';

describe('admin client', () => {
  it('calls the contract routes with the token and JSON bodies', async () => {
    const calls: { url: string; init?: RequestInit }[] = [];
    const fetchFake = vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      return new Response(null, { status: 204 });
    });
    const client = createHttpClient({
      origin: 'http://127.0.0.1:9/',
      token: 'tok',
      fetch: fetchFake as unknown as typeof fetch,
    });
    const result = await client.stopSession('my-pool', 'user/1');
    expect(result.ok).toBe(true);
    expect(calls[0]?.url).toBe('http://127.0.0.1:9/_sessionite/api/pools/my-pool/sessions/stop');
    const headers = new Headers(calls[0]?.init?.headers);
    expect(headers.get('x-sessionite-token')).toBe('tok');
    expect(headers.get('content-type')).toBe('application/json');
    expect(calls[0]?.init?.body).toBe(JSON.stringify({ identifier: 'user/1' }));
    await client.putPool('p', {}, { createOnly: true });
    expect(new Headers(calls[1]?.init?.headers).get('if-none-match')).toBe('*');
  });

  it('turns API errors, non-JSON answers and network failures into results, never throws', async () => {
    const answers = [
      new Response(
        JSON.stringify({
          error: {
            code: 'ValidationFailed',
            message: '1 problem',
            issues: [{ path: 'name', code: 'InvalidResourceName', rule: 'r' }],
          },
        }),
        { status: 400 },
      ),
      new Response('<html>', { status: 502 }),
    ];
    const fetchFake = vi.fn(async () => {
      const next = answers.shift();
      if (!next) throw new TypeError('fetch failed');
      return next;
    });
    const client = createHttpClient({ origin: 'http://h', fetch: fetchFake });
    const invalid = await client.putPool('p', {}, { createOnly: false });
    expect(invalid).toMatchObject({
      ok: false,
      error: { status: 400, code: 'ValidationFailed', issues: [{ path: 'name' }] },
    });
    expect(await client.listPools()).toMatchObject({
      ok: false,
      error: { status: 502, code: 'InvalidResponse' },
    });
    expect(await client.status()).toMatchObject({ ok: false, error: { status: 0, code: 'NetworkError' } });
  });
});

describe('admin client: requests and logs', () => {
  it('exports as text with the filters or ids, and reads a failed replay as a failure with its reason', async () => {
    const urls: string[] = [];
    const answers = [
      new Response('#!/bin/sh\ncurl …', { status: 200, headers: { 'content-type': 'text/x-shellscript' } }),
      new Response('{}', { status: 200 }),
      new Response(
        JSON.stringify({ original: '3', error: 'this emulator has no pool named x', warnings: [] }),
        {
          status: 422,
        },
      ),
    ];
    const fetchFake = vi.fn(async (url: string) => {
      urls.push(url);
      return answers.shift() ?? new Response(null, { status: 500 });
    });
    const client = createHttpClient({ origin: 'http://h', fetch: fetchFake as unknown as typeof fetch });
    expect(await client.exportRequests('curl', { query: { pool: 'p', status: '5xx', q: '' } })).toEqual({
      ok: true,
      value: '#!/bin/sh\ncurl …',
    });
    await client.exportRequests('har', { ids: ['1', '2'] });
    expect(urls).toEqual([
      'http://h/_sessionite/api/requests/export?pool=p&status=5xx&format=curl',
      'http://h/_sessionite/api/requests/export?format=har&ids=1%2C2',
    ]);
    expect(await client.replayRequest('3', { pool: 'x' })).toMatchObject({
      ok: false,
      error: { status: 422, code: 'ReplayFailed', message: 'this emulator has no pool named x' },
    });
  });

  it('tails logs with its filters and resumes after the last record on a reconnect', async () => {
    const urls: string[] = [];
    const encoder = new TextEncoder();
    const fetchFake = vi.fn(async (url: string) => {
      urls.push(url);
      const seq = urls.length * 10;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          const batch = { replay: false, skipped: 0, records: [{ seq, Log_s: 'x' }] };
          controller.enqueue(encoder.encode(`id: ${seq}\ndata: ${JSON.stringify(batch)}\n\n`));
          controller.close();
        },
      });
      return new Response(body, { status: 200 });
    });
    const client = createHttpClient({ origin: 'http://h', fetch: fetchFake as unknown as typeof fetch });
    const seen: number[] = [];
    const close = client.tailLogs(
      { pool: 'p', level: 'error', tail: 50 },
      {
        onBatch: (batch) => seen.push(...batch.records.map((r) => r.seq)),
        onState: () => undefined,
        onError: () => undefined,
      },
    );
    await vi.waitFor(() => expect(urls.length).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    close();
    expect(urls[0]).toBe('http://h/_sessionite/api/logs/tail?pool=p&level=error&tail=50');
    expect(urls[1]).toBe('http://h/_sessionite/api/logs/tail?pool=p&level=error&tail=50&after=10');
    expect(seen.slice(0, 2)).toEqual([10, 20]);
  });

  it('reports a refused tail filter without retrying', async () => {
    const fetchFake = vi.fn(
      async () =>
        new Response(
          JSON.stringify({ error: { code: 'InvalidRequest', message: 'level must be one of …' } }),
          {
            status: 400,
          },
        ),
    );
    const client = createHttpClient({ origin: 'http://h', fetch: fetchFake });
    const errors: string[] = [];
    client.tailLogs(
      {},
      { onBatch: () => undefined, onState: () => undefined, onError: (e) => errors.push(e.message) },
    );
    await vi.waitFor(() => expect(errors).toEqual(['level must be one of …']));
    expect(fetchFake).toHaveBeenCalledTimes(1);
  });
});
