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
