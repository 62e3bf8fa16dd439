import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { bearerAuthorizer, createArmExtension } from '../../emulator/arm/index.js';
import type { Emulator } from '../../emulator/emulator.js';
import { poolBody } from '../arm/support.js';
import { filesUnder, startTraffic, type TrafficHarness } from './support.js';

let h: TrafficHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** The secret and the parts of it long enough to identify it (a JWT's header and payload segments). */
function fragments(secret: string): string[] {
  return [secret, ...secret.split('.').filter((part) => part.length >= 16)];
}

describe('redaction at capture time', () => {
  it('stores none of the secrets that passed through, anywhere on disk', async () => {
    const ref: { emulator?: Emulator } = {};
    const arm = createArmExtension({ authorize: bearerAuthorizer((header, origin) => ref.emulator!.identity.verifyArm(header, origin)) });
    h = await startTraffic({ auth: { mode: 'basic' }, extensions: [arm] });
    ref.emulator = h.emulator;
    const base = h.emulator.httpUrl;
    const dataToken = (await h.emulator.identity.issueToken({ resource: 'https://dynamicsessions.io' })).accessToken;
    const armToken = (await h.emulator.identity.issueToken({ resource: base })).accessToken;
    const clientSecret = 'client-secret-5f2b9c1e7d';
    const armSecret = 'arm-secret-value-8c41d2';
    const identityHeader = h.emulator.identity.hostManagedIdentity.header;
    const cookie = 'session=cookie-value-77aa';
    const password = 'p4ssw0rd-in-json-body';
    const gzipped = (await h.emulator.identity.issueToken({ resource: 'https://dynamicsessions.io', clientId: 'gz' })).accessToken;
    const secrets = { dataToken, armToken, clientSecret, armSecret, identityHeader, cookie, password, gzipped };

    // Data plane: the bearer token, a cookie, a JWT in a custom header (echoed back by the session), a JSON password.
    const data = await fetch(h.url('p1', '/login', 'user-1') + `&access_token=${dataToken}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dataToken}`, cookie, 'x-forward-token': dataToken, 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ada', password, nested: { accessToken: dataToken } }),
    });
    expect(data.status).toBe(200);
    expect(await data.text()).toContain(dataToken); // the session echoed it: the response body must be redacted too
    const compressed = await fetch(h.url('p1', '/gz', 'user-1'), {
      method: 'POST',
      headers: { authorization: `Bearer ${dataToken}`, 'content-encoding': 'gzip', 'content-type': 'text/plain' },
      body: gzipSync(`token=${gzipped}`),
    });
    await compressed.text();
    // Token service: a client secret in the form, a token in the answer.
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'app-1', client_secret: clientSecret, scope: 'https://dynamicsessions.io/.default' });
    const issued = await fetch(`${base}/common/oauth2/v2.0/token`, { method: 'POST', body: form });
    const issuedToken = ((await issued.json()) as { access_token: string }).access_token;
    // Managed identity: the IDENTITY header in, a token out.
    const mi = await fetch(`${base}/msi/token?api-version=2019-08-01&resource=https://dynamicsessions.io`, { headers: { 'x-identity-header': identityHeader } });
    expect(mi.status).toBe(200);
    const miToken = ((await mi.json()) as { access_token: string }).access_token;
    // ARM: a bearer token and a secret value in the body.
    const armUrl = `${base}/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sessionite/providers/Microsoft.App/sessionPools/secretive?api-version=2025-07-01`;
    const put = await fetch(armUrl, {
      method: 'PUT',
      headers: { authorization: `Bearer ${armToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(poolBody({ properties: { secrets: [{ name: 'db', value: armSecret }] } })),
    });
    await put.text();

    await h.traffic.flushed();
    expect(h.traffic.list().total).toBe(5);
    const files = await filesUnder(h.trafficDir);
    expect(files.length).toBeGreaterThan(0);
    for (const [name, secret] of Object.entries({ ...secrets, issuedToken, miToken })) {
      for (const fragment of fragments(secret)) {
        const holders = files.filter((f) => f.text.includes(fragment)).map((f) => f.path);
        expect(holders, `${name} must not be stored`).toEqual([]);
      }
    }
    const record = await h.latest((s) => s.target === '/login');
    expect(record.requestHeaders).toMatchObject({ authorization: 'Bearer [REDACTED]', cookie: '[REDACTED]', 'x-forward-token': '[REDACTED]' });
    expect(JSON.parse(record.requestBody.data)).toEqual({ user: 'ada', password: '[REDACTED]', nested: { accessToken: '[REDACTED]' } });
    expect(record.query).toBe('identifier=user-1&access_token=[REDACTED]');
    expect(record.redactions).toEqual(expect.arrayContaining(['header:authorization', 'header:cookie', 'jwt', 'body:json:password', 'query:access_token']));
    const gz = await h.latest((s) => s.target === '/gz');
    expect(gz.requestBody).toMatchObject({ decoded: 'gzip', data: 'token=[REDACTED]', encoding: 'utf8' });
  });

  it('redacts a token split by the body cap', async () => {
    h = await startTraffic({ traffic: { bodyCapBytes: 1024 } });
    const token = (await h.emulator.identity.issueToken({ resource: 'https://dynamicsessions.io' })).accessToken;
    // The token starts 1000 bytes in, so the 1024-byte cap cuts it; the stored prefix must not keep its start.
    const body = 'x'.repeat(1000) + token + 'y'.repeat(5000);
    await (await fetch(h.url('p1', '/big', 'user-1'), { method: 'POST', headers: { 'content-type': 'text/plain' }, body })).text();
    const record = await h.latest((s) => s.target === '/big');
    expect(record.requestBody.truncated).toBe(true);
    expect(record.requestBody.size).toBe(Buffer.byteLength(body));
    expect(record.requestBody.data).not.toContain(token.slice(0, 40));
    expect(record.requestBody.data.startsWith('x'.repeat(1000))).toBe(true);
  });
});
