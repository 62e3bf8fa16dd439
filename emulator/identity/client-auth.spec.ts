import { createHash, X509Certificate } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClientCert, makeClientCert } from '../../tests/identity/client-cert.js';
import { type AuthContext, JWT_BEARER, authenticateClient, createAppRegistry } from './client-auth.js';
import { EntraError } from './entra-errors.js';
import { objectIdForClient } from './ids.js';

const NOW = Date.UTC(2026, 0, 1);
const ENDPOINT = 'https://localhost:8443/t1/oauth2/v2.0/token';
const ctx: AuthContext = { tenant: 't1', tokenEndpoints: [ENDPOINT], nowMs: NOW };

let cert: ClientCert;
let stranger: ClientCert;
beforeAll(async () => {
  [cert, stranger] = await Promise.all([makeClientCert(), makeClientCert('stranger')]);
});

interface AssertionOpts {
  key?: ClientCert;
  clientId?: string;
  aud?: string;
  exp?: number;
  alg?: 'RS256' | 'PS256';
  x5tFrom?: ClientCert;
}

async function assertion(o: AssertionOpts = {}): Promise<string> {
  const key = o.key ?? cert;
  const der = new X509Certificate((o.x5tFrom ?? key).certPem).raw;
  const clientId = o.clientId ?? 'app-1';
  return new SignJWT({ jti: 'x' })
    .setProtectedHeader({
      alg: o.alg ?? 'PS256',
      'x5t#S256': createHash('sha256').update(der).digest('base64url'),
    })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(o.aud ?? ENDPOINT)
    .setNotBefore(NOW / 1000)
    .setExpirationTime(o.exp ?? NOW / 1000 + 600)
    .sign(key.privateKey);
}

async function aadsts(p: Promise<unknown>): Promise<[number, string]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof EntraError)) throw new Error(`expected an EntraError, got ${String(err)}`);
  return [err.aadsts, err.error];
}

describe('open mode (no app registrations)', () => {
  const open = createAppRegistry();

  it('accepts any client id with any non-empty secret and derives a stable object id', async () => {
    const c = await authenticateClient(open, { clientId: 'anything', secret: 'x' }, ctx);
    expect(c).toEqual({
      clientId: 'anything',
      objectId: objectIdForClient('anything'),
      roles: [],
      method: 'secret',
    });
    expect(await aadsts(authenticateClient(open, { clientId: 'a' }, ctx))).toEqual([
      7000218,
      'invalid_client',
    ]);
  });

  it('checks an assertion for shape, audience, subject and time but cannot check its signature', async () => {
    const creds = { clientId: 'app-1', assertionType: JWT_BEARER };
    const ok = await authenticateClient(
      open,
      { ...creds, assertion: await assertion({ key: stranger }) },
      ctx,
    );
    expect(ok.method).toBe('certificate');
    const wrongAud = await assertion({ aud: 'https://login.microsoftonline.com/t1/oauth2/v2.0/token' });
    expect(await aadsts(authenticateClient(open, { ...creds, assertion: wrongAud }, ctx))).toEqual([
      700027,
      'invalid_client',
    ]);
    const expired = await assertion({ exp: NOW / 1000 - 301 });
    expect(await aadsts(authenticateClient(open, { ...creds, assertion: expired }, ctx))).toEqual([
      700024,
      'invalid_client',
    ]);
    const otherSubject = await assertion({ clientId: 'someone-else' });
    expect(await aadsts(authenticateClient(open, { ...creds, assertion: otherSubject }, ctx))).toEqual([
      700027,
      'invalid_client',
    ]);
  });

  it('refuses unsigned assertions, a wrong assertion type, and secret plus assertion together', async () => {
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ iss: 'app-1', sub: 'app-1', aud: ENDPOINT, exp: NOW / 1000 + 60 }),
    ).toString('base64url')}.`;
    const base = { clientId: 'app-1', assertionType: JWT_BEARER };
    expect(await aadsts(authenticateClient(open, { ...base, assertion: unsigned }, ctx))).toEqual([
      700027,
      'invalid_client',
    ]);
    const a = await assertion();
    expect(
      await aadsts(authenticateClient(open, { clientId: 'app-1', assertionType: 'x', assertion: a }, ctx)),
    ).toEqual([50027, 'invalid_request']);
    expect(await aadsts(authenticateClient(open, { ...base, assertion: a, secret: 's' }, ctx))).toEqual([
      90023,
      'invalid_request',
    ]);
  });
});

describe('restricted mode (app registrations)', () => {
  let registry: ReturnType<typeof createAppRegistry>;
  beforeAll(() => {
    registry = createAppRegistry([
      {
        clientId: 'App-1',
        secret: 's3cret',
        certificatePem: cert.certPem,
        objectId: 'oid-1',
        roles: ['SessionExecutor'],
      },
      { clientId: 'secret-only', secret: 'x' },
    ]);
  });

  it('accepts a registered client with its secret (client ids compare case-insensitively)', async () => {
    const c = await authenticateClient(registry, { clientId: 'app-1', secret: 's3cret' }, ctx);
    expect(c).toEqual({ clientId: 'app-1', objectId: 'oid-1', roles: ['SessionExecutor'], method: 'secret' });
  });

  it('rejects unknown apps and wrong secrets with Entra codes', async () => {
    expect(await aadsts(authenticateClient(registry, { clientId: 'nobody', secret: 'x' }, ctx))).toEqual([
      700016,
      'unauthorized_client',
    ]);
    expect(await aadsts(authenticateClient(registry, { clientId: 'App-1', secret: 'S3CRET' }, ctx))).toEqual([
      7000215,
      'invalid_client',
    ]);
  });

  it('verifies assertions (RS256 and PS256) against the registered certificate only', async () => {
    const base = { clientId: 'app-1', assertionType: JWT_BEARER };
    for (const alg of ['RS256', 'PS256'] as const) {
      const c = await authenticateClient(registry, { ...base, assertion: await assertion({ alg }) }, ctx);
      expect(c.method).toBe('certificate');
    }
    // Signed by another key but claiming the registered certificate's thumbprint.
    const forged = await assertion({ key: stranger, x5tFrom: cert });
    expect(await aadsts(authenticateClient(registry, { ...base, assertion: forged }, ctx))).toEqual([
      700027,
      'invalid_client',
    ]);
    const otherThumbprint = await assertion({ key: stranger });
    expect(await aadsts(authenticateClient(registry, { ...base, assertion: otherThumbprint }, ctx))).toEqual([
      700027,
      'invalid_client',
    ]);
    const noCert = await assertion({ clientId: 'secret-only' });
    expect(
      await aadsts(
        authenticateClient(
          registry,
          { clientId: 'secret-only', assertionType: JWT_BEARER, assertion: noCert },
          ctx,
        ),
      ),
    ).toEqual([700027, 'invalid_client']);
  });

  it('fails at start on a registration whose certificatePem holds no certificate', () => {
    expect(() => createAppRegistry([{ clientId: 'x', certificatePem: 'not a pem' }])).toThrow(
      /holds no certificate/,
    );
  });
});
