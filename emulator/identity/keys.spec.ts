import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { createTokenMinter } from './claims.js';
import { jwks, loadOrCreateSigningKey } from './keys.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessionite-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('signing key', () => {
  it('is persisted with mode 0600 and reloaded with the same kid, even when two starts race', async () => {
    const [a, b] = await Promise.all([loadOrCreateSigningKey(dir), loadOrCreateSigningKey(dir)]);
    expect(a.kid).toBe(b.kid);
    expect((await stat(join(dir, 'identity', 'signing-key.pem'))).mode & 0o777).toBe(0o600);
    expect((await loadOrCreateSigningKey(dir)).kid).toBe(a.kid);
  });

  it('uses the RFC 7638 thumbprint as kid and publishes only public members in the JWKS', async () => {
    const key = await loadOrCreateSigningKey(dir);
    const [jwk] = jwks([key]).keys;
    expect(jwk).toBeDefined();
    expect(await calculateJwkThumbprint({ kty: 'RSA', n: jwk!.n, e: jwk!.e })).toBe(key.kid);
    expect(Object.keys(jwk!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });
});

describe('token minter', () => {
  it('signs RS256 tokens with kid whose times follow the injected clock', async () => {
    const key = await loadOrCreateSigningKey(dir);
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const minter = createTokenMinter(key, clock);
    const t = await minter.mint({
      resource: 'https://dynamicsessions.io',
      clientId: 'app',
      objectId: 'oid-1',
      tenantId: 'tid-1',
      issuer: 'https://localhost:8443/tid-1/v2.0',
      version: '2.0',
      roles: ['SessionExecutor'],
      authMethod: 'secret',
    });
    expect(decodeProtectedHeader(t.accessToken)).toEqual({ alg: 'RS256', typ: 'JWT', kid: key.kid });
    const { payload } = await jwtVerify(t.accessToken, createLocalJWKSet(jwks([key])), {
      currentDate: new Date(clock.now()),
    });
    expect(payload).toMatchObject({
      aud: 'https://dynamicsessions.io',
      iss: 'https://localhost:8443/tid-1/v2.0',
      sub: 'oid-1',
      oid: 'oid-1',
      tid: 'tid-1',
      appid: 'app',
      azp: 'app',
      roles: ['SessionExecutor'],
      ver: '2.0',
      iat: Date.UTC(2026, 0, 1) / 1000,
      nbf: Date.UTC(2026, 0, 1) / 1000,
      exp: Date.UTC(2026, 0, 1) / 1000 + 3600,
    });
    expect(t.expiresOn - t.issuedAt).toBe(3600);
  });
});
