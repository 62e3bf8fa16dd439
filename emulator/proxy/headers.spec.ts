import { describe, expect, it } from 'vitest';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.js';

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

describe('downstreamResponseHeaders', () => {
  it('drops hop-by-hop headers from the session response', () => {
    const out = downstreamResponseHeaders({
      connection: 'close',
      'transfer-encoding': 'chunked',
      'keep-alive': 'timeout=5',
      'content-type': 'text/plain',
      'set-cookie': ['a=1'],
    });
    expect(out).toEqual({ 'content-type': 'text/plain', 'set-cookie': ['a=1'] });
  });
});
