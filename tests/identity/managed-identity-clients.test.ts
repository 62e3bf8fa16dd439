import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../emulator/clock.js';
import { runCredential } from './credentials.js';
import { type TestServers, startTestServers } from './server.js';

/**
 * Contract: ManagedIdentityCredential and DefaultAzureCredential, configured only through
 * IDENTITY_ENDPOINT + IDENTITY_HEADER over plain HTTP, exactly as code in a session (or the developer's
 * app) would be. Each run is a child process: MSAL caches the managed-identity source it detected in a
 * process-wide static, so one process cannot switch endpoints.
 */
const SCOPE = 'https://dynamicsessions.io/.default';

describe('managed identity with real clients', () => {
  let s: TestServers;
  beforeAll(async () => {
    s = await startTestServers({ clock: systemClock, mode: 'strict' });
  });
  afterAll(async () => {
    await s.close();
  });

  const envFor = (endpointPath: string, header: string) => ({
    IDENTITY_ENDPOINT: `${s.httpOrigin}${endpointPath}`,
    IDENTITY_HEADER: header,
  });

  it('ManagedIdentityCredential gets a host-identity token that passes strict verification', async () => {
    const host = s.identity.hostManagedIdentity;
    const r = await runCredential('managed', SCOPE, envFor(host.endpointPath, host.header));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(await s.identity.verifyDataPlane(`Bearer ${r.token}`)).toMatchObject({
      ok: true,
      claims: { appid: host.clientId, aud: 'https://dynamicsessions.io' },
    });
    // MSAL turns expires_on into expires_in and back, reading its clock (whole seconds) each time
    // (msal-node getServerTokenResponse): across a second boundary it lands one second early.
    const exp = (decodeJwt(r.token).exp ?? 0) * 1000;
    expect(exp - r.expiresOnTimestamp).toBeGreaterThanOrEqual(0);
    expect(exp - r.expiresOnTimestamp).toBeLessThanOrEqual(1000);
  });

  it('ManagedIdentityCredential with a user-assigned client id gets a token for that identity', async () => {
    const host = s.identity.hostManagedIdentity;
    const r = await runCredential('managed', SCOPE, {
      ...envFor(host.endpointPath, host.header),
      TEST_MI_CLIENT_ID: 'prod-uami',
    });
    expect(r.ok && decodeJwt(r.token).appid).toBe('prod-uami');
  });

  it("DefaultAzureCredential inside a session gets its pool's identity", async () => {
    const pool = s.identity.registerSessionIdentity({
      name: 'pool-dac',
      resourceGroup: 'rg',
      subscriptionId: 'sub',
    });
    const r = await runCredential('default', SCOPE, envFor(pool.endpointPath, pool.header));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(await s.identity.verifyDataPlane(`Bearer ${r.token}`)).toMatchObject({
      ok: true,
      claims: { appid: pool.clientId, oid: pool.objectId, xms_mirid: pool.resourceId },
    });
  });

  it("a session cannot use another pool's identity", async () => {
    const a = s.identity.registerSessionIdentity({ name: 'pool-a' });
    const b = s.identity.registerSessionIdentity({ name: 'pool-b' });
    const r = await runCredential('managed', SCOPE, envFor(b.endpointPath, a.header));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/InvalidIdentityHeader/);
  });

  it('an unregistered pool identity stops working at once', async () => {
    const pool = s.identity.registerSessionIdentity({ name: 'pool-gone' });
    s.identity.unregisterSessionIdentity({ name: 'pool-gone' });
    const started = Date.now();
    const r = await runCredential('managed', SCOPE, envFor(pool.endpointPath, pool.header));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/IdentityNotFound/);
    // Not a status MSAL retries (it retries 404 for ~18 s).
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
