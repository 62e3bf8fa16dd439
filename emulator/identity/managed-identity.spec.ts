import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { createTokenMinter } from './claims.js';
import { signingKeyFromPem } from './keys.js';
import { type ManagedIdentityService, createManagedIdentity } from './managed-identity.js';

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const TENANT = '11111111-2222-4333-8444-555555555555';
let mi: ManagedIdentityService;
let server: Server;
let origin: string;

beforeAll(async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = await signingKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  mi = createManagedIdentity({
    minter: createTokenMinter(key, clock),
    clock,
    tenantId: TENANT,
    hostHeader: 'host-secret',
  });
  const app = express();
  app.use(mi.router);
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

async function get(path: string, query: Record<string, string>, headers: Record<string, string>) {
  const qs = new URLSearchParams({ 'api-version': '2019-08-01', ...query });
  const res = await fetch(`${origin}${path}?${qs.toString()}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const resource = { resource: 'https://dynamicsessions.io' };

describe('host identity', () => {
  it('answers exactly the App Service 2019-08-01 shape', async () => {
    const res = await get('/msi/token', resource, { 'X-IDENTITY-HEADER': 'host-secret' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual([
      'access_token',
      'client_id',
      'expires_on',
      'resource',
      'token_type',
    ]);
    expect(res.body).toMatchObject({
      expires_on: String(clock.now() / 1000 + 3600),
      resource: 'https://dynamicsessions.io',
      token_type: 'Bearer',
      client_id: mi.host.clientId,
    });
    expect(decodeJwt(res.body.access_token as string)).toMatchObject({
      aud: 'https://dynamicsessions.io',
      appid: mi.host.clientId,
      oid: mi.host.objectId,
      tid: TENANT,
      xms_mirid: mi.host.resourceId,
      iss: `${origin}/${TENANT}/`,
    });
  });

  it('accepts the 2017-09-01 secret header and a scope in place of a resource', async () => {
    const res = await get(
      '/msi/token',
      { 'api-version': '2017-09-01', resource: 'https://acasessions.io/.default' },
      { secret: 'host-secret' },
    );
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token as string).aud).toBe('https://acasessions.io');
  });

  it('acts as the user-assigned identity the caller names', async () => {
    const byClient = await get(
      '/msi/token',
      { ...resource, client_id: 'uami-client' },
      { 'x-identity-header': 'host-secret' },
    );
    expect(byClient.body.client_id).toBe('uami-client');
    const byRes = await get(
      '/msi/token',
      { ...resource, mi_res_id: '/subscriptions/s/rg/x' },
      { 'x-identity-header': 'host-secret' },
    );
    expect(decodeJwt(byRes.body.access_token as string).xms_mirid).toBe('/subscriptions/s/rg/x');
    const byObject = await get(
      '/msi/token',
      { ...resource, object_id: 'oid-9' },
      { 'x-identity-header': 'host-secret' },
    );
    expect(decodeJwt(byObject.body.access_token as string).oid).toBe('oid-9');
  });

  it.each([
    [{}, 401, 'MissingIdentityHeader'],
    [{ 'x-identity-header': 'wrong' }, 401, 'InvalidIdentityHeader'],
  ])('rejects headers %j with %i %s', async (headers, status, code) => {
    const res = await get('/msi/token', resource, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get('x-ms-error-code')).toBe(code);
    expect(res.body).toEqual({ error: { code, message: expect.any(String) as string } });
  });

  it('requires resource and api-version', async () => {
    const noResource = await get('/msi/token', {}, { 'x-identity-header': 'host-secret' });
    expect(noResource.status).toBe(400);
    const res = await fetch(`${origin}/msi/token?resource=x`, {
      headers: { 'x-identity-header': 'host-secret' },
    });
    expect(res.status).toBe(400);
  });
});

describe('session pool identities', () => {
  it('gives each pool its own endpoint and secret, usable only for that pool', async () => {
    const a = mi.registerSessionIdentity({ name: 'pool-a', resourceGroup: 'rg', subscriptionId: 'sub' });
    const b = mi.registerSessionIdentity({ name: 'pool-b', resourceGroup: 'rg', subscriptionId: 'sub' });
    expect(a.endpointPath).toMatch(/^\/msi\/pools\/[0-9a-f]{32}\/token$/);
    expect(new Set([a.header, b.header, mi.host.header]).size).toBe(3);
    expect(a.resourceId).toBe(
      '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.App/sessionPools/pool-a',
    );

    const ok = await get(a.endpointPath, resource, { 'x-identity-header': a.header });
    expect(ok.status).toBe(200);
    expect(ok.body.client_id).toBe(a.clientId);
    expect(decodeJwt(ok.body.access_token as string)).toMatchObject({
      oid: a.objectId,
      xms_mirid: a.resourceId,
    });

    expect((await get(b.endpointPath, resource, { 'x-identity-header': a.header })).status).toBe(401);
    expect((await get('/msi/token', resource, { 'x-identity-header': a.header })).status).toBe(401);
    expect((await get(a.endpointPath, resource, { 'x-identity-header': mi.host.header })).status).toBe(401);
  });

  it('refuses to act as another identity from a pool endpoint', async () => {
    const a = mi.registerSessionIdentity({ name: 'pool-a', resourceGroup: 'rg', subscriptionId: 'sub' });
    const b = mi.registerSessionIdentity({ name: 'pool-b', resourceGroup: 'rg', subscriptionId: 'sub' });
    const own = await get(
      a.endpointPath,
      { ...resource, client_id: a.clientId },
      { 'x-identity-header': a.header },
    );
    expect(own.status).toBe(200);
    const other = await get(
      a.endpointPath,
      { ...resource, client_id: b.clientId },
      { 'x-identity-header': a.header },
    );
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ error: { code: 'IdentityNotFound' } });
  });

  it('registers idempotently and revokes on unregister', async () => {
    const pool = { name: 'pool-c' };
    const first = mi.registerSessionIdentity(pool);
    expect(mi.registerSessionIdentity(pool)).toEqual(first);
    expect(mi.unregisterSessionIdentity(pool)).toBe(true);
    expect(mi.unregisterSessionIdentity(pool)).toBe(false);
    const gone = await get(first.endpointPath, resource, { 'x-identity-header': first.header });
    expect(gone.status).toBe(400);
    expect(gone.body).toMatchObject({ error: { code: 'IdentityNotFound' } });
    const again = mi.registerSessionIdentity(pool);
    expect(again.endpointPath).not.toBe(first.endpointPath);
    expect(again.header).not.toBe(first.header);
    // The identity itself is stable, so role assignments naming it keep working.
    expect(again.clientId).toBe(first.clientId);
  });
});
