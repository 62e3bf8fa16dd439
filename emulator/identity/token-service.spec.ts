import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { type Server, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { createTokenMinter } from './claims.js';
import { createAppRegistry } from './client-auth.js';
import { tenantIdFor } from './ids.js';
import { type SigningKey, jwks, signingKeyFromPem } from './keys.js';
import { createTokenRouter } from './token-service.js';

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const GUID_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
let key: SigningKey;
let server: Server;
let origin: string;

beforeAll(async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  key = await signingKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const app = express();
  const registry = createAppRegistry();
  app.use(createTokenRouter({ minter: createTokenMinter(key, clock), keys: [key], registry, clock }));
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

async function token(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const client = { grant_type: 'client_credentials', client_id: 'my-app', client_secret: 'anything' };

describe('discovery', () => {
  it('serves v2 and v1 OpenID configuration on the request origin, with the tenant GUID as issuer', async () => {
    const v2 = (await (
      await fetch(`${origin}/contoso.example/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    const tid = tenantIdFor('contoso.example');
    expect(v2).toMatchObject({
      issuer: `${origin}/${tid}/v2.0`,
      token_endpoint: `${origin}/contoso.example/oauth2/v2.0/token`,
      authorization_endpoint: `${origin}/contoso.example/oauth2/v2.0/authorize`,
      jwks_uri: `${origin}/contoso.example/discovery/v2.0/keys`,
    });
    const v1 = (await (
      await fetch(`${origin}/${GUID_TENANT}/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    expect(v1).toMatchObject({
      issuer: `${origin}/${GUID_TENANT}/`,
      token_endpoint: `${origin}/${GUID_TENANT}/oauth2/token`,
      jwks_uri: `${origin}/${GUID_TENANT}/discovery/keys`,
    });
  });

  it('serves the same JWKS on the v2 and v1 key paths', async () => {
    const a = await (await fetch(`${origin}/common/discovery/keys`)).json();
    const b = await (await fetch(`${origin}/any-tenant/discovery/v2.0/keys`)).json();
    expect(a).toEqual(jwks([key]));
    expect(b).toEqual(a);
  });

  it('refuses tenant segments that are not plain names', async () => {
    const res = await fetch(`${origin}/a%20b/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
  });

  it('refuses a malformed Host header instead of building an issuer from it', async () => {
    const { port } = server.address() as AddressInfo;
    const [status, body] = await new Promise<[number, string]>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port,
        path: '/t/v2.0/.well-known/openid-configuration',
        headers: { host: 'evil"/x' },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve([res.statusCode ?? 0, text]));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
    expect(body).toContain('Host header');
  });
});

describe('v2 token endpoint', () => {
  it.each([
    ['https://dynamicsessions.io/.default', 'https://dynamicsessions.io'],
    ['https://acasessions.io/.default', 'https://acasessions.io'],
    ['https://management.azure.com/.default', 'https://management.azure.com'],
    ['https://localhost:8443/.default openid profile offline_access', 'https://localhost:8443'],
  ])('issues a token for scope %s', async (scope, aud) => {
    const res = await token(`/${GUID_TENANT}/oauth2/v2.0/token`, { ...client, scope });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(res.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'ext_expires_in',
      'token_type',
    ]);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const claims = decodeJwt(res.body.access_token as string);
    expect(claims).toMatchObject({
      aud,
      iss: `${origin}/${GUID_TENANT}/v2.0`,
      tid: GUID_TENANT,
      appid: 'my-app',
      azp: 'my-app',
      ver: '2.0',
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.iat).toBe(clock.now() / 1000);
  });

  it('accepts client_secret_basic', async () => {
    const basic = Buffer.from('basic-app:pw').toString('base64');
    const res = await token(
      '/t/oauth2/v2.0/token',
      { grant_type: 'client_credentials', scope: 'https://dynamicsessions.io/.default' },
      { authorization: `Basic ${basic}` },
    );
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token as string).appid).toBe('basic-app');
  });

  it.each([
    [{ ...client, grant_type: undefined }, 400, 'invalid_request', 900144],
    [{ ...client, grant_type: 'password' }, 400, 'unsupported_grant_type', 70003],
    [{ ...client }, 400, 'invalid_request', 900144],
    [{ ...client, scope: 'https://dynamicsessions.io/user_impersonation' }, 400, 'invalid_scope', 1002012],
    [{ ...client, scope: 'https://a.io/.default https://b.io/.default' }, 400, 'invalid_scope', 70011],
    [
      { ...client, scope: 'https://dynamicsessions.io/.default', client_id: undefined },
      400,
      'invalid_request',
      900144,
    ],
    [
      { ...client, scope: 'https://dynamicsessions.io/.default', client_secret: undefined },
      401,
      'invalid_client',
      7000218,
    ],
  ])('answers %j with %i %s (AADSTS%i) in Entra shape', async (form, status, error, code) => {
    const clean = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
    const correlation = '0f0e0d0c-0b0a-4908-8706-050403020100';
    const res = await token('/t/oauth2/v2.0/token', clean, { 'client-request-id': correlation });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error, error_codes: [code], correlation_id: correlation });
    expect(res.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(res.body.timestamp).toBe('2026-01-01 00:00:00Z');
    expect(res.body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(res.body)).not.toContain('anything');
  });

  it('reports an unreadable body as invalid_request', async () => {
    const res = await token('/t/oauth2/v2.0/token', { ...client, scope: 'x'.repeat(70_000) });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('v1 token endpoint', () => {
  it('issues a v1 token for resource= with string lifetimes', async () => {
    const res = await token(`/${GUID_TENANT}/oauth2/token`, {
      ...client,
      resource: 'https://management.core.windows.net/',
    });
    expect(res.status).toBe(200);
    const now = clock.now() / 1000;
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: '3599',
      ext_expires_in: '3599',
      expires_on: String(now + 3600),
      not_before: String(now),
      resource: 'https://management.core.windows.net/',
    });
    expect(decodeJwt(res.body.access_token as string)).toMatchObject({
      aud: 'https://management.core.windows.net/',
      iss: `${origin}/${GUID_TENANT}/`,
      ver: '1.0',
    });
  });

  it('requires resource=', async () => {
    const res = await token('/t/oauth2/token', client);
    expect(res.status).toBe(400);
    expect(res.body.error_codes).toEqual([900144]);
  });
});
