import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../emulator/clock.js';
import { type ClientCert, makeClientCert } from './client-cert.js';
import { runCredential } from './credentials.js';
import { type TestServers, startTestServers } from './server.js';

/**
 * Contract: the real @azure/identity (MSAL underneath) against the emulator's token service over HTTPS.
 *
 * Trust: in-process, the credential's own pipeline option `tlsOptions: { ca }` is enough — identity's
 * MSAL network client is a core-rest-pipeline ServiceClient built from the credential options, so the
 * CA reaches every discovery and token request. The user-facing route (NODE_EXTRA_CA_CERTS, no code
 * change) is exercised in a child process, because Node reads that variable only at start.
 */
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const DATA_SCOPE = 'https://dynamicsessions.io/.default';

describe('open mode: any client id and secret', () => {
  let s: TestServers;
  beforeAll(async () => {
    s = await startTestServers({ clock: systemClock, mode: 'strict' });
  });
  afterAll(async () => {
    await s.close();
  });

  const credential = (tenant = TENANT) =>
    new ClientSecretCredential(tenant, 'my-app', 'any-secret', {
      authorityHost: s.httpsOrigin,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: s.identity.tls.caPem },
    });

  it('ClientSecretCredential gets data-plane tokens that pass strict verification', async () => {
    for (const scope of [DATA_SCOPE, 'https://acasessions.io/.default']) {
      const token = await credential().getToken(scope);
      expect(token.expiresOnTimestamp - Date.now()).toBeGreaterThan(3500_000);
      const r = await s.identity.verifyDataPlane(`Bearer ${token.token}`);
      expect(r).toMatchObject({ ok: true, source: 'emulator', claims: { appid: 'my-app', tid: TENANT } });
    }
  });

  it('works with a tenant name instead of a GUID', async () => {
    const token = await credential('contoso.onmicrosoft.com').getToken(DATA_SCOPE);
    expect((await s.identity.verifyDataPlane(`Bearer ${token.token}`)).ok).toBe(true);
  });

  it('gets ARM tokens for management.azure.com and for the emulator origin itself', async () => {
    for (const scope of ['https://management.azure.com/.default', `${s.httpsOrigin}/.default`]) {
      const token = await credential().getToken(scope);
      expect((await s.identity.verifyArm(`Bearer ${token.token}`, s.httpsOrigin)).ok).toBe(true);
      expect((await s.identity.verifyDataPlane(`Bearer ${token.token}`)).ok).toBe(false);
    }
  });

  it('works with no code change when the CA is trusted through NODE_EXTRA_CA_CERTS', async () => {
    const r = await runCredential('secret', DATA_SCOPE, {
      NODE_EXTRA_CA_CERTS: s.identity.tls.caPath!,
      TEST_TENANT: TENANT,
      TEST_CLIENT_ID: 'child-app',
      TEST_CLIENT_SECRET: 'x',
      TEST_AUTHORITY: s.httpsOrigin,
    });
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(await s.identity.verifyDataPlane(`Bearer ${r.token}`)).toMatchObject({
        ok: true,
        claims: { appid: 'child-app' },
      });
  });

  it('is refused by the client when the CA is not trusted', async () => {
    const untrusted = new ClientSecretCredential(TENANT, 'my-app', 's', {
      authorityHost: s.httpsOrigin,
      disableInstanceDiscovery: true,
      retryOptions: { maxRetries: 0 },
    });
    // MSAL reports the TLS failure of the discovery request as endpoints_resolution_error.
    await expect(untrusted.getToken(DATA_SCOPE)).rejects.toThrow(/endpoints_resolution_error/);
  });
});

describe('app registrations', () => {
  let s: TestServers;
  let cert: ClientCert;
  let stranger: ClientCert;
  beforeAll(async () => {
    [cert, stranger] = await Promise.all([makeClientCert(), makeClientCert('stranger')]);
    s = await startTestServers({
      clock: systemClock,
      mode: 'strict',
      appRegistrations: [
        { clientId: 'secret-app', secret: 'correct horse', roles: ['SessionExecutor'] },
        { clientId: 'cert-app', certificatePem: cert.certPem, objectId: 'cert-app-oid' },
      ],
      roleAssignments: { sessionExecutors: ['cert-app-oid'] },
    });
  });
  afterAll(async () => {
    await s.close();
  });

  const opts = () => ({
    authorityHost: s.httpsOrigin,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: s.identity.tls.caPem },
  });

  it('ClientCertificateCredential (PS256 assertion, x5t#S256) gets a token for the registered certificate', async () => {
    const credential = new ClientCertificateCredential(
      TENANT,
      'cert-app',
      { certificate: `${cert.certPem}\n${cert.keyPem}` },
      opts(),
    );
    const token = await credential.getToken(DATA_SCOPE);
    const r = await s.identity.verifyDataPlane(`Bearer ${token.token}`);
    expect(r).toMatchObject({ ok: true, claims: { appid: 'cert-app', oid: 'cert-app-oid', appidacr: '2' } });
  });

  it('ClientCertificateCredential with sendCertificateChain works too', async () => {
    const credential = new ClientCertificateCredential(
      TENANT,
      'cert-app',
      { certificate: `${cert.certPem}\n${cert.keyPem}` },
      { ...opts(), sendCertificateChain: true },
    );
    expect((await credential.getToken(DATA_SCOPE)).token).toBeTruthy();
  });

  it('refuses a certificate that is not registered for the app (AADSTS700027)', async () => {
    const credential = new ClientCertificateCredential(
      TENANT,
      'cert-app',
      { certificate: `${stranger.certPem}\n${stranger.keyPem}` },
      opts(),
    );
    await expect(credential.getToken(DATA_SCOPE)).rejects.toThrow(/AADSTS700027/);
  });

  it('puts the registration roles into the token, which grant Session Executor', async () => {
    const token = await new ClientSecretCredential(TENANT, 'secret-app', 'correct horse', opts()).getToken(
      DATA_SCOPE,
    );
    expect(decodeJwt(token.token).roles).toEqual(['SessionExecutor']);
    expect((await s.identity.verifyDataPlane(`Bearer ${token.token}`)).ok).toBe(true);
  });

  it('refuses a wrong secret (AADSTS7000215) and an unknown app (AADSTS700016)', async () => {
    await expect(
      new ClientSecretCredential(TENANT, 'secret-app', 'wrong', opts()).getToken(DATA_SCOPE),
    ).rejects.toThrow(/AADSTS7000215/);
    await expect(
      new ClientSecretCredential(TENANT, 'nobody', 'x', opts()).getToken(DATA_SCOPE),
    ).rejects.toThrow(/AADSTS700016/);
  });
});
