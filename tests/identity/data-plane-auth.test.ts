import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { SignJWT, importPKCS8 } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../emulator/clock.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import { json, startEmulator, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';

/**
 * Token checks at the emulator's real data plane: real @azure/identity tokens pass in strict mode,
 * and every rejection is a 401/403 in Azure's format that never reaches a session.
 */
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function setup(auth: Parameters<typeof startEmulator>[0]['auth'], clock = new ManualClock(Date.now())) {
  const runtime = new FakeRuntime();
  harness = await startEmulator({ pools: [testPool('p1', 'img:1')], runtime, auth, clock });
  return { runtime, clock, h: harness };
}

function nothingForwarded(h: Harness): void {
  expect(h.emulator.getPool('p1')?.counts().allocated).toBe(0);
}

async function ownToken(h: Harness, resource = 'https://dynamicsessions.io'): Promise<string> {
  return (await h.emulator.identity.issueToken({ resource, origin: h.emulator.httpsUrl })).accessToken;
}

/** A token signed with the emulator's own key, with claims the test chooses. */
async function craftedToken(h: Harness, claims: Record<string, unknown>): Promise<string> {
  const pem = await readFile(join(h.dataDir, 'identity', 'signing-key.pem'), 'utf8');
  const valid = JSON.parse(Buffer.from((await ownToken(h)).split('.')[0]!, 'base64url').toString()) as { kid: string };
  const key = await importPKCS8(pem.slice(pem.indexOf('-----BEGIN PRIVATE KEY-----')), 'RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: valid.kid, typ: 'JWT' }).sign(key);
}

async function expect401(h: Harness, authorization: string | undefined, code: string, message = ''): Promise<void> {
  const response = await fetch(h.url('p1', '/x', 'user-1'), { headers: authorization ? { authorization } : {} });
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer authorization_uri="https:\/\/127\.0\.0\.1:\d+\//);
  expect(response.headers.get('x-ms-error-code')).toBe(code);
  const text = await response.text();
  expect(text).toContain(message);
  if (authorization) expect(text).not.toContain(authorization.replace(/^Bearer /, ''));
  nothingForwarded(h);
}

describe('data-plane token checks', () => {
  it('accepts a token from the real @azure/identity ClientSecretCredential in strict mode', async () => {
    const { h } = await setup({ mode: 'strict' });
    const ca = await readFile(h.emulator.identity.tls.caPath!, 'utf8');
    const credential = new ClientSecretCredential('contoso.onmicrosoft.com', 'my-app', 'my-secret', {
      authorityHost: h.emulator.httpsUrl,
      disableInstanceDiscovery: true,
      tlsOptions: { ca },
    });
    const { token } = await credential.getToken('https://dynamicsessions.io/.default');
    const response = await fetch(h.url('p1', '/x', 'user-1'), { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(((await json(response)).headers as Record<string, string>).authorization).toBeUndefined();
  });

  it('rejects a missing or malformed token', async () => {
    const { h } = await setup({ mode: 'strict' });
    await expect401(h, undefined, 'AuthenticationFailed');
    await expect401(h, 'Bearer not-a-jwt', 'InvalidAuthenticationToken');
    await expect401(h, 'Basic dXNlcjpwYXNz', 'InvalidAuthenticationToken');
  });

  it('rejects a tampered signature and alg none', async () => {
    const { h } = await setup({ mode: 'basic' });
    const [head, payload] = (await ownToken(h)).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, oid: 'someone-else' })).toString('base64url');
    await expect401(h, `Bearer ${head}.${forged}.AAAA`, 'InvalidAuthenticationToken', 'signature is invalid');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    await expect401(h, `Bearer ${none}.${payload}.`, 'InvalidAuthenticationToken');
  });

  it('rejects the wrong audience', async () => {
    const { h } = await setup({ mode: 'strict' });
    await expect401(h, `Bearer ${await ownToken(h, 'https://management.azure.com')}`, 'InvalidAuthenticationTokenAudience');
  });

  it('rejects an expired token and a token not yet valid', async () => {
    const { h, clock } = await setup({ mode: 'strict' });
    const token = await ownToken(h);
    const valid = await fetch(h.url('p1', '/x', 'user-1'), { headers: { authorization: `Bearer ${token}` } });
    expect(valid.status).toBe(200);
    await h.emulator.getPool('p1')!.stopIdentifier('user-1');
    clock.advance(2 * 3600_000);
    await expect401(h, `Bearer ${token}`, 'ExpiredAuthenticationToken');
    const claims = JSON.parse(Buffer.from((await ownToken(h)).split('.')[1]!, 'base64url').toString()) as Record<string, number>;
    const future = await craftedToken(h, { ...claims, nbf: claims.iat! + 3600, exp: claims.exp! + 3600 });
    await expect401(h, `Bearer ${future}`, 'InvalidAuthenticationToken', 'not valid before');
  });

  it('answers 403 to a valid token without the Session Executor role', async () => {
    const { h } = await setup({ mode: 'strict', roleAssignments: { sessionExecutors: ['allowed-app'] } });
    const denied = await h.emulator.identity.issueToken({ resource: 'https://dynamicsessions.io', clientId: 'other-app' });
    const response = await fetch(h.url('p1', '/x', 'user-1'), { headers: { authorization: `Bearer ${denied.accessToken}` } });
    expect(response.status).toBe(403);
    nothingForwarded(h);
    const allowed = await h.emulator.identity.issueToken({ resource: 'https://dynamicsessions.io', clientId: 'allowed-app' });
    const ok = await fetch(h.url('p1', '/x', 'user-1'), { headers: { authorization: `Bearer ${allowed.accessToken}` } });
    expect(ok.status).toBe(200);
  });
});
