import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../emulator/clock.js';
import { createIdentity } from '../../emulator/identity/index.js';
import { type TestServers, startTestServers } from './server.js';

/**
 * Every way a bearer token is refused, seen as an HTTP client sees it through an edge that renders
 * verify() results: status, Azure error code, WWW-Authenticate, and no trace of the token anywhere in
 * the response.
 */
const TID = '11111111-2222-4333-8444-555555555555';
const DATA = 'https://dynamicsessions.io';

interface Seen {
  status: number;
  code: string | null;
  wwwAuthenticate: string | null;
  everything: string;
}

async function probe(s: TestServers, plane: 'data' | 'arm', authorization?: string): Promise<Seen> {
  const res = await fetch(`${s.httpOrigin}/probe/${plane}`, {
    headers: authorization ? { authorization } : {},
  });
  const body = await res.text();
  return {
    status: res.status,
    code: res.headers.get('x-ms-error-code'),
    wwwAuthenticate: res.headers.get('www-authenticate'),
    everything: `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${body}`,
  };
}

function expectNoTokenIn(seen: Seen, token: string) {
  expect(seen.everything).not.toContain(token);
  for (const part of token.split('.').filter((p) => p.length > 8))
    expect(seen.everything).not.toContain(part);
}

const foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
async function foreign(claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ aud: DATA, tid: TID, iat: now, nbf: now, exp: now + 3600, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'not-ours' })
    .sign(foreignKey);
}

describe('401 rejections (strict mode)', () => {
  let s: TestServers;
  let clock: ManualClock;
  let valid: string;
  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    s = await startTestServers({ clock, mode: 'strict' });
    valid = (await s.identity.issueToken({ resource: DATA, tenantId: TID, origin: s.httpsOrigin }))
      .accessToken;
  });
  afterAll(async () => {
    await s.close();
  });

  const tampered = () => {
    const [h, , sig] = valid.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodeJwt(valid), oid: 'someone-else' })).toString(
      'base64url',
    );
    return `${h}.${payload}.${sig}`;
  };
  const unsigned = () => {
    const [, p] = valid.split('.');
    return `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
  };

  const cases: [string, () => Promise<string | undefined>, string, RegExp][] = [
    [
      'no Authorization header',
      async () => undefined,
      'AuthenticationFailed',
      /missing 'Authorization' header/,
    ],
    ['a non-Bearer scheme', async () => 'Basic dXNlcjpwYXNz', 'InvalidAuthenticationToken', /malformed/],
    [
      'a Bearer value that is not a JWT',
      async () => 'Bearer abc.def',
      'InvalidAuthenticationToken',
      /malformed/,
    ],
    ['alg none', async () => `Bearer ${unsigned()}`, 'InvalidAuthenticationToken', /Unsigned/],
    [
      'a tampered emulator token',
      async () => `Bearer ${tampered()}`,
      'InvalidAuthenticationToken',
      /signature/,
    ],
    [
      'a real-Entra token in strict mode',
      async () => `Bearer ${await foreign({ iss: `https://sts.windows.net/${TID}/` })}`,
      'InvalidAuthenticationTokenIssuer',
      /issuer/,
    ],
    [
      'an unknown issuer',
      async () => `Bearer ${await foreign({ iss: 'https://evil.example/x/v2.0' })}`,
      'InvalidAuthenticationTokenIssuer',
      /issuer/,
    ],
    [
      'a token for another audience',
      async () =>
        `Bearer ${(await s.identity.issueToken({ resource: 'https://management.azure.com' })).accessToken}`,
      'InvalidAuthenticationTokenAudience',
      /audience/,
    ],
  ];

  it.each(cases)('refuses %s', async (_name, header, code, description) => {
    const authorization = await header();
    const seen = await probe(s, 'data', authorization);
    expect(seen.status).toBe(401);
    expect(seen.code).toBe(code);
    expect(seen.wwwAuthenticate).toMatch(
      new RegExp(
        `^Bearer authorization_uri="${s.httpsOrigin}/[0-9a-z-]+/oauth2/authorize", error="invalid_token", error_description="[^"]+"$`,
      ),
    );
    expect(seen.wwwAuthenticate).toMatch(description);
    if (authorization) expectNoTokenIn(seen, authorization.replace(/^\w+ /, ''));
  });

  it('refuses a token that is not yet valid', async () => {
    const later = await createIdentity({
      dataDir: s.dataDir,
      clock: new ManualClock(clock.now() + 3600_000),
      mode: 'strict',
    });
    const future = (await later.issueToken({ resource: DATA })).accessToken;
    const seen = await probe(s, 'data', `Bearer ${future}`);
    expect(seen.status).toBe(401);
    expect(seen.code).toBe('InvalidAuthenticationToken');
    expect(seen.wwwAuthenticate).toMatch(
      /error="invalid_token", error_description="The access token is not yet valid."/,
    );
    expectNoTokenIn(seen, future);
  });

  it('accepts the valid token on the data plane and refuses it on ARM', async () => {
    expect((await probe(s, 'data', `Bearer ${valid}`)).status).toBe(200);
    const arm = await probe(s, 'arm', `Bearer ${valid}`);
    expect(arm.status).toBe(401);
    expect(arm.code).toBe('InvalidAuthenticationTokenAudience');
    expect(arm.wwwAuthenticate).toContain(`authorization_uri="${s.httpsOrigin}/${TID}/oauth2/authorize"`);
  });

  it('refuses an expired token once the injected clock passes its expiry', async () => {
    const token = (await s.identity.issueToken({ resource: DATA })).accessToken;
    clock.advance(3600_000 + 301_000);
    const seen = await probe(s, 'data', `Bearer ${token}`);
    expect(seen.status).toBe(401);
    expect(seen.code).toBe('ExpiredAuthenticationToken');
    expect(seen.wwwAuthenticate).toMatch(
      /error="invalid_token", error_description="The access token has expired."/,
    );
    expectNoTokenIn(seen, token);
  });
});

describe('403 rejection (role assignments)', () => {
  let s: TestServers;
  beforeAll(async () => {
    s = await startTestServers({
      clock: new ManualClock(Date.now()),
      mode: 'strict',
      roleAssignments: { sessionExecutors: ['allowed-app'] },
    });
  });
  afterAll(async () => {
    await s.close();
  });

  it('refuses a valid token of a principal without Session Executor, without WWW-Authenticate', async () => {
    const token = (await s.identity.issueToken({ resource: DATA, clientId: 'other-app' })).accessToken;
    const seen = await probe(s, 'data', `Bearer ${token}`);
    expect(seen.status).toBe(403);
    expect(seen.code).toBe('AuthorizationFailed');
    expect(seen.wwwAuthenticate).toBeNull();
    expect(seen.everything).toContain('0fb8eba5-a2bb-4abe-b1c1-49dfad359bb0');
    expectNoTokenIn(seen, token);
  });

  it('accepts the principal that holds the role', async () => {
    const token = (await s.identity.issueToken({ resource: DATA, clientId: 'allowed-app' })).accessToken;
    expect((await probe(s, 'data', `Bearer ${token}`)).status).toBe(200);
  });
});
