import { createPrivateKey, webcrypto, type KeyObject } from 'node:crypto';
import { x509 } from '../../emulator/identity/x509.js';

/** A self-signed RSA client certificate, as a developer would register for ClientCertificateCredential. */
export interface ClientCert {
  certPem: string;
  keyPem: string;
  privateKey: KeyObject;
}

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

export async function makeClientCert(cn = 'sessionite-test-client'): Promise<ClientCert> {
  const keys = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${cn}`,
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: RSA,
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const keyPem = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
  return { certPem: cert.toString('pem'), keyPem, privateKey: createPrivateKey(keyPem) };
}
