import { describe, expect, it } from 'vitest';
import { downstreamRawHeaders, upstreamRequestHeaders } from './headers.js';

const ctx = { clientAddress: '127.0.0.1', proto: 'https' as const, host: 'localhost:8443', prefix: '/subscriptions/s/resourceGroups/r/sessionPools/p' };

describe('upstreamRequestHeaders', () => {
  it('drops Authorization, hop-by-hop headers and headers named in Connection', () => {
    const out = upstreamRequestHeaders(
      {
        authorization: 'Bearer x',
        connection: 'keep-alive, x-secret-hop',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        te: 'trailers',
        upgrade: 'websocket',
        'proxy-authorization': 'Basic y',
        'x-secret-hop': '1',
        'content-type': 'application/json',
      },
      ctx,
    );
    expect(Object.keys(out).sort()).toEqual(
      ['content-type', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-prefix', 'x-forwarded-proto'].sort(),
    );
  });

  it('appends to an incoming X-Forwarded-For and replaces the other X-Forwarded-* headers', () => {
    const out = upstreamRequestHeaders({ 'x-forwarded-for': '10.1.1.1', 'x-forwarded-host': 'evil' }, ctx);
    expect(out['x-forwarded-for']).toBe('10.1.1.1, 127.0.0.1');
    expect(out['x-forwarded-host']).toBe('localhost:8443');
    expect(out['x-forwarded-proto']).toBe('https');
  });

  it('keeps Upgrade and Connection for a WebSocket upgrade, still without Authorization', () => {
    const out = upstreamRequestHeaders(
      { connection: 'Upgrade', upgrade: 'websocket', authorization: 'Bearer x', 'sec-websocket-key': 'k' },
      ctx,
      true,
    );
    expect(out).toMatchObject({ connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k' });
    expect(out.authorization).toBeUndefined();
  });
});

describe('downstreamRawHeaders', () => {
  const raw = (...pairs: string[]): Buffer[] => pairs.map((p) => Buffer.from(p, 'latin1'));

  it('drops hop-by-hop headers from the session response and keeps repeated ones in order', () => {
    const out = downstreamRawHeaders(
      raw('Connection', 'close', 'Transfer-Encoding', 'chunked', 'Keep-Alive', 'timeout=5', 'Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'),
    );
    expect(out).toEqual({ headers: ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'], sized: false });
  });

  it('drops what any of several Connection headers names', () => {
    expect(downstreamRawHeaders(raw('Connection', 'x-secret', 'Connection', 'keep-alive', 'X-Secret', 's', 'X-Kept', 'k')).headers).toEqual(['X-Kept', 'k']);
  });

  it("drops a session's copies of the emulator's own headers (the emulator sends those itself)", () => {
    const out = downstreamRawHeaders(raw('X-Sessionite-Session', 'forged', 'constructor', 'kept'), { 'x-sessionite-session': 'real' });
    expect(out.headers).toEqual(['constructor', 'kept']);
  });

  it('drops the headers the Connection header names, and says whether the body is sized', () => {
    expect(downstreamRawHeaders(raw('X-Hop', '1', 'Content-Length', '2', 'connection', 'X-Hop', 'X-Kept', 'ü'))).toEqual({
      headers: ['Content-Length', '2', 'X-Kept', 'ü'],
      sized: true,
    });
  });
});
