import { describe, expect, it } from 'vitest';
import { azAccessToken, formatAzAccessToken, trustInstructions } from './cli-output.js';

describe('formatAzAccessToken', () => {
  it('prints the fields of `az account get-access-token --output json`', () => {
    const exp = Date.UTC(2026, 0, 1, 13, 45, 12) / 1000;
    const ctx = { subscription: 'sub-1', tenant: 'tid-1', timezoneOffsetMinutes: -60 };
    const out = formatAzAccessToken({ accessToken: 'tok', expiresOn: exp }, ctx);
    expect(JSON.parse(out)).toEqual({
      accessToken: 'tok',
      expiresOn: '2026-01-01 14:45:12.000000',
      expires_on: exp,
      subscription: 'sub-1',
      tenant: 'tid-1',
      tokenType: 'Bearer',
    });
    expect(out.endsWith('}\n')).toBe(true);
    expect(
      azAccessToken({ accessToken: 't', expiresOn: exp }, { ...ctx, timezoneOffsetMinutes: 0 }).expiresOn,
    ).toBe('2026-01-01 13:45:12.000000');
  });
});

describe('trustInstructions', () => {
  it('covers every runtime, the OS stores and the exact JS client options', () => {
    const text = trustInstructions({
      caPath: '/data/tls/ca.pem',
      https: 'https://localhost:8443',
      tenantId: 't1',
    });
    for (const needle of [
      'NODE_EXTRA_CA_CERTS="/data/tls/ca.pem"',
      'REQUESTS_CA_BUNDLE="/data/tls/ca.pem"',
      'SSL_CERT_FILE="/data/tls/ca.pem"',
      'curl --cacert "/data/tls/ca.pem" https://localhost:8443/',
      'update-ca-certificates',
      'security add-trusted-cert -d -r trustRoot',
      'certutil -user -addstore Root',
      "authorityHost: 'https://localhost:8443'",
      'disableInstanceDiscovery: true',
      "new ClientSecretCredential('t1'",
      'https://dynamicsessions.io/.default',
    ]) {
      expect(text).toContain(needle);
    }
  });

  it('says the certificate is the user’s own when there is no emulator CA', () => {
    const text = trustInstructions({ caPath: undefined, https: 'https://dev.box' });
    expect(text).toContain('certificate you supplied');
    expect(text).not.toContain('NODE_EXTRA_CA_CERTS');
    expect(text).toContain('disableInstanceDiscovery: true');
  });
});
