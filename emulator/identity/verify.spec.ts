import { type KeyObject, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { type MintRequest, createTokenMinter } from './claims.js';
import { SESSION_EXECUTOR_ROLE_ID } from './ids.js';
import { type SigningKey, signingKeyFromPem } from './keys.js';
import {
  ARM_AUDIENCES,
  DATA_PLANE_AUDIENCES,
  type TokenVerifierOptions,
  type VerifyResult,
  createTokenVerifier,
  createVerifiedTokenCache,
} from './verify.js';

const T0 = Date.UTC(2026, 0, 1);
const TID = '11111111-2222-4333-8444-555555555555';
const AUTHORITY = 'https://localhost:8443';
let key: SigningKey;
let otherKey: KeyObject;

beforeAll(async () => {
  const gen = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  key = await signingKeyFromPem(gen().export({ type: 'pkcs8', format: 'pem' }).toString());
  otherKey = gen();
});

function setup(extra: Partial<TokenVerifierOptions> = {}) {
  const clock = new ManualClock(T0);
  const verifier = createTokenVerifier({
    mode: 'strict',
    audiences: DATA_PLANE_AUDIENCES,
    emulatorKeys: [{ kid: key.kid, publicKey: key.publicKey }],
    clock,
    authorityOrigin: AUTHORITY,
    ...extra,
  });
  const mint = async (over: Partial<MintRequest> = {}, at = clock): Promise<string> =>
    (
      await createTokenMinter(key, at).mint({
        resource: 'https://dynamicsessions.io',
        clientId: 'app-1',
        objectId: 'oid-1',
        tenantId: TID,
        issuer: `https://localhost:8443/${TID}/v2.0`,
        version: '2.0',
        authMethod: 'secret',
        ...over,
      })
    ).accessToken;
  return { clock, verifier, mint, verify: (h: string | undefined) => verifier.verify(h) };
}

/** A token signed by someone else's key (real Entra's, from the emulator's point of view, or a forger's). */
async function foreignToken(claims: Record<string, unknown>, kid = 'foreign-kid'): Promise<string> {
  const now = T0 / 1000;
  return new SignJWT({
    iat: now,
    nbf: now,
    exp: now + 3600,
    aud: 'https://dynamicsessions.io',
    tid: TID,
    oid: 'oid-x',
    appid: 'app-x',
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid })
    .sign(otherKey);
}

function unsigned(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ exp: T0 / 1000 + 3600, aud: 'https://dynamicsessions.io', ...claims })}.`;
}

const entraIss = `https://sts.windows.net/${TID}/`;

function expectFailure(r: VerifyResult, reason: string, status: number, code: string, token?: string) {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.reason).toBe(reason);
  expect(r.error.status).toBe(status);
  expect(r.error.code).toBe(code);
  if (status === 401) {
    expect(r.wwwAuthenticate).toMatch(
      /^Bearer authorization_uri="https:\/\/localhost:8443\/[0-9a-z-]+\/oauth2\/authorize", error="invalid_token", error_description="[^"]+"$/,
    );
  } else {
    expect(r.wwwAuthenticate).toBeUndefined();
  }
  if (token) {
    const text = `${r.error.message} ${r.wwwAuthenticate ?? ''}`;
    expect(text).not.toContain(token);
    for (const part of token.split('.').filter((p) => p.length > 8)) expect(text).not.toContain(part);
  }
}

describe('strict mode', () => {
  it('accepts an emulator token for either data-plane audience, with or without trailing slash', async () => {
    const { verify, mint } = setup();
    for (const resource of [
      'https://dynamicsessions.io',
      'https://acasessions.io/',
      'https://DynamicSessions.io/',
    ]) {
      const r = await verify(`Bearer ${await mint({ resource })}`);
      expect(r).toMatchObject({ ok: true, source: 'emulator', claims: { appid: 'app-1', oid: 'oid-1' } });
    }
  });

  it.each([
    [undefined, 'missing', 'AuthenticationFailed'],
    ['Basic dXNlcjpwdw==', 'malformed', 'InvalidAuthenticationToken'],
    ['Bearer not-a-jwt', 'malformed', 'InvalidAuthenticationToken'],
    ['Bearer aaaa.bbbb.cccc', 'malformed', 'InvalidAuthenticationToken'],
  ])('rejects %s as %s', async (header, reason, code) => {
    const { verify } = setup();
    expectFailure(await verify(header), reason, 401, code);
  });

  it('rejects alg none, forged emulator tokens, Entra tokens and unknown issuers', async () => {
    const { verify } = setup();
    const none = unsigned({ iss: `https://localhost:8443/${TID}/v2.0` });
    expectFailure(await verify(`Bearer ${none}`), 'unsigned', 401, 'InvalidAuthenticationToken', none);
    const forged = await foreignToken({ iss: `https://localhost:8443/${TID}/v2.0` }, key.kid);
    expectFailure(
      await verify(`Bearer ${forged}`),
      'badSignature',
      401,
      'InvalidAuthenticationToken',
      forged,
    );
    const entra = await foreignToken({ iss: entraIss });
    expectFailure(
      await verify(`Bearer ${entra}`),
      'unknownIssuer',
      401,
      'InvalidAuthenticationTokenIssuer',
      entra,
    );
    const evil = await foreignToken({ iss: 'https://evil.example/t/v2.0' });
    expectFailure(
      await verify(`Bearer ${evil}`),
      'unknownIssuer',
      401,
      'InvalidAuthenticationTokenIssuer',
      evil,
    );
  });

  it('rejects expired and not-yet-valid tokens using the injected clock (5 minutes skew)', async () => {
    const { verify, mint, clock } = setup();
    const token = await mint();
    clock.advance(3600_000 + 300_000);
    expect((await verify(`Bearer ${token}`)).ok).toBe(true);
    clock.advance(1000);
    expectFailure(await verify(`Bearer ${token}`), 'expired', 401, 'ExpiredAuthenticationToken', token);
    const future = await mint({}, new ManualClock(clock.now() + 301_000));
    expectFailure(await verify(`Bearer ${future}`), 'notYetValid', 401, 'InvalidAuthenticationToken', future);
  });

  it('rejects a token for another audience', async () => {
    const { verify, mint } = setup();
    const arm = await mint({ resource: 'https://management.azure.com' });
    expectFailure(
      await verify(`Bearer ${arm}`),
      'wrongAudience',
      401,
      'InvalidAuthenticationTokenAudience',
      arm,
    );
  });

  it('accepts ARM audiences and the emulator origin passed per call', async () => {
    const { mint, clock } = setup();
    const arm = createTokenVerifier({ mode: 'strict', audiences: ARM_AUDIENCES, emulatorKeys: [key], clock });
    for (const resource of ['https://management.azure.com/', 'https://management.core.windows.net/']) {
      expect((await arm.verify(`Bearer ${await mint({ resource })}`)).ok).toBe(true);
    }
    const own = await mint({ resource: 'https://localhost:8443' });
    expect((await arm.verify(`Bearer ${own}`)).ok).toBe(false);
    expect((await arm.verify(`Bearer ${own}`, { extraAudiences: ['https://localhost:8443/'] })).ok).toBe(
      true,
    );
  });
});

describe('basic mode', () => {
  it('accepts well-formed real-Entra tokens (v1 and v2 issuers) without checking their signature', async () => {
    const { verify } = setup({ mode: 'basic' });
    for (const iss of [entraIss, `https://login.microsoftonline.com/${TID}/v2.0`]) {
      const t = await foreignToken({ iss });
      expect(await verify(`Bearer ${t}`)).toMatchObject({ ok: true, source: 'entra' });
    }
  });

  it('still checks time, audience, tid and alg on Entra tokens, and signatures on emulator tokens', async () => {
    const { verify, clock } = setup({ mode: 'basic' });
    const wrongAud = await foreignToken({ iss: entraIss, aud: 'https://graph.microsoft.com' });
    expectFailure(
      await verify(`Bearer ${wrongAud}`),
      'wrongAudience',
      401,
      'InvalidAuthenticationTokenAudience',
      wrongAud,
    );
    const otherTenant = await foreignToken({ iss: entraIss, tid: '99999999-2222-4333-8444-555555555555' });
    expectFailure(
      await verify(`Bearer ${otherTenant}`),
      'malformed',
      401,
      'InvalidAuthenticationToken',
      otherTenant,
    );
    const none = unsigned({ iss: entraIss });
    expectFailure(await verify(`Bearer ${none}`), 'unsigned', 401, 'InvalidAuthenticationToken', none);
    const forged = await foreignToken({ iss: 'https://127.0.0.1:8443/t/v2.0' });
    expectFailure(
      await verify(`Bearer ${forged}`),
      'badSignature',
      401,
      'InvalidAuthenticationToken',
      forged,
    );
    const ok = await foreignToken({ iss: entraIss });
    clock.advance(2 * 3600_000);
    expectFailure(await verify(`Bearer ${ok}`), 'expired', 401, 'ExpiredAuthenticationToken', ok);
  });
});

describe('off mode', () => {
  it('accepts anything, including no header', async () => {
    const { verify } = setup({ mode: 'off' });
    expect(await verify(undefined)).toEqual({ ok: true, claims: {}, source: 'unchecked' });
    expect((await verify(`Bearer ${unsigned({ iss: 'x' })}`)).ok).toBe(true);
  });
});

describe('role assignments', () => {
  it('answers 403 without WWW-Authenticate when the caller lacks Session Executor', async () => {
    const { verify, mint } = setup({ roleAssignments: { sessionExecutors: ['someone-else'] } });
    const t = await mint();
    expectFailure(await verify(`Bearer ${t}`), 'forbidden', 403, 'AuthorizationFailed', t);
  });

  it.each([['oid-1'], ['APP-1'], ['*']])('grants the role to principal %s', async (holder) => {
    const { verify, mint } = setup({ roleAssignments: { sessionExecutors: [holder] } });
    expect((await verify(`Bearer ${await mint()}`)).ok).toBe(true);
  });

  it('honours a SessionExecutor app role only on emulator-signed tokens', async () => {
    const { verify, mint } = setup({ mode: 'basic', roleAssignments: { sessionExecutors: [] } });
    expect((await verify(`Bearer ${await mint({ roles: ['SessionExecutor'] })}`)).ok).toBe(true);
    expect((await verify(`Bearer ${await mint({ roles: [SESSION_EXECUTOR_ROLE_ID] })}`)).ok).toBe(true);
    const entra = await foreignToken({ iss: entraIss, roles: ['SessionExecutor'] });
    expectFailure(await verify(`Bearer ${entra}`), 'forbidden', 403, 'AuthorizationFailed', entra);
  });
});

describe('cache', () => {
  it('does not redo the signature check for a token it has seen, but re-checks time and audience', async () => {
    const cache = createVerifiedTokenCache(10);
    const { verifier, mint, clock } = setup({ cache });
    const token = await mint();
    expect((await verifier.verify(`Bearer ${token}`)).ok).toBe(true);
    expect(cache.size).toBe(1);
    // A verifier that knows no keys can only succeed through the shared cache.
    const keyless = createTokenVerifier({
      mode: 'strict',
      audiences: DATA_PLANE_AUDIENCES,
      emulatorKeys: [],
      clock,
      cache,
    });
    expect((await keyless.verify(`Bearer ${token}`)).ok).toBe(true);
    const arm = createTokenVerifier({
      mode: 'strict',
      audiences: ARM_AUDIENCES,
      emulatorKeys: [],
      clock,
      cache,
    });
    expect((await arm.verify(`Bearer ${token}`)).ok).toBe(false);
    clock.advance(2 * 3600_000);
    expect((await keyless.verify(`Bearer ${token}`)).ok).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('does not cache failures', async () => {
    const cache = createVerifiedTokenCache(10);
    const { verifier } = setup({ cache });
    const forged = await foreignToken({ iss: 'https://localhost/t/v2.0' }, key.kid);
    expect((await verifier.verify(`Bearer ${forged}`)).ok).toBe(false);
    expect(cache.size).toBe(0);
  });
});
