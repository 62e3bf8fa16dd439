import { X509Certificate as NodeX509, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { x509, type CryptoKey } from './x509.js';
import { PUBLIC_MODE, SECRET_MODE, createExclusive, readIfExists, replaceFile } from './persist.js';

/**
 * The emulator's HTTPS identity. Azure SDK clients refuse plain-HTTP authorities and bearer tokens over
 * HTTP, so the emulator creates a local CA (kept for 10 years, so users trust it once) and a short-lived
 * server certificate signed by it. Everything is built with @peculiar/x509 on Node's WebCrypto.
 *
 * Security decisions:
 * - ECDSA P-256 keys (fast to generate, accepted by Node, OpenSSL, Python, curl, browsers, Windows).
 * - The CA is `pathLen:0` with only keyCertSign/cRLSign: even a leaked CA key cannot mint sub-CAs.
 * - Its key never leaves `<dataDir>/tls/ca-key.pem` (0600); only `ca.pem` is meant to be shared.
 * - The server certificate lives ≤ 397 days (the CA/Browser-Forum limit browsers and macOS enforce),
 *   carries SKI/AKI and critical basicConstraints so strict verifiers (Python 3.13's
 *   VERIFY_X509_STRICT) accept it, and is reissued when its names change or it nears expiry.
 * - The key and certificate of each pair are stored together in the 0600 `*-key.pem` file, so a
 *   renewal never leaves a key that does not match its certificate.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CA_VALIDITY = 3650 * DAY;
const SERVER_VALIDITY = 365 * DAY;
const RENEW_BEFORE = 30 * DAY;
const KEY_ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' } as const;
export const DEFAULT_HOSTNAMES = ['localhost', '127.0.0.1', '::1', 'host.docker.internal'];

export interface TlsOptions {
  extraHostnames: string[];
  /** A user-supplied certificate and key, served as-is (no CA of ours is involved). */
  userCert?: { certPath: string; keyPath: string };
  /** Wall-clock source for validity dates; certificates are checked by real clients against real time. */
  now?: () => number;
}

export interface TlsMaterial {
  /** PEM private key of the server certificate. */
  key: string;
  /** PEM server certificate. */
  cert: string;
  /** PEM of the CA users must trust; undefined for a user-supplied certificate. */
  caPem: string | undefined;
  caPath: string | undefined;
  source: 'generated' | 'user';
  /** What this call created, for a log line ("created a local CA — trust it with …"). */
  created: { ca: boolean; server: boolean };
  /** Subject alternative names of the served certificate (generated certificates only). */
  names: string[];
  notAfter: Date;
}

interface KeyPair {
  privateKey: CryptoKey;
  cert: x509.X509Certificate;
  pem: string;
}

export async function ensureTls(dataDir: string, opts: TlsOptions): Promise<TlsMaterial> {
  if (opts.userCert) return loadUserCert(opts.userCert);
  const now = opts.now ?? Date.now;
  const dir = join(dataDir, 'tls');
  const names = normalizeNames([...DEFAULT_HOSTNAMES, ...opts.extraHostnames]);
  const { ca, created: caCreated } = await loadOrCreateCa(dir, now());
  const caPath = join(dir, 'ca.pem');
  const caPem = ca.cert.toString('pem') + '\n';
  if ((await readIfExists(caPath)) !== caPem) await replaceFile(caPath, caPem, PUBLIC_MODE);

  const serverKeyPath = join(dir, 'server-key.pem');
  let server = await parseKeyPair(await readIfExists(serverKeyPath));
  const renew = caCreated || !server || (await needsRenewal(server, ca, names, now()));
  if (renew || !server) {
    server = await issueServerCert(ca, names, now());
    await replaceFile(serverKeyPath, server.pem, SECRET_MODE);
    await replaceFile(join(dir, 'server.pem'), server.cert.toString('pem') + '\n', PUBLIC_MODE);
  }
  return {
    key: keyPemOf(server.pem),
    cert: server.cert.toString('pem') + '\n',
    caPem,
    caPath,
    source: 'generated',
    created: { ca: caCreated, server: renew },
    names,
    notAfter: server.cert.notAfter,
  };
}

async function loadUserCert(paths: { certPath: string; keyPath: string }): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([readFile(paths.certPath, 'utf8'), readFile(paths.keyPath, 'utf8')]);
  const parsed = new NodeX509(cert);
  // Fail at start with a clear message rather than at the first TLS handshake.
  if (!parsed.checkPrivateKey(createPrivateKey(key))) {
    throw new Error(
      `The key in '${paths.keyPath}' does not belong to the certificate in '${paths.certPath}'.`,
    );
  }
  return {
    key,
    cert,
    caPem: undefined,
    caPath: undefined,
    source: 'user',
    created: { ca: false, server: false },
    names: [],
    notAfter: new Date(parsed.validTo),
  };
}

/** Lower-cased, de-duplicated, IPs in canonical form; rejects anything that is neither a name nor an IP. */
export function normalizeNames(names: string[]): string[] {
  const out = new Set<string>();
  for (const raw of names) {
    const name = raw
      .trim()
      .toLowerCase()
      .replace(/^\[(.*)\]$/, '$1');
    if (!name) continue;
    if (isIP(name) === 6) out.add(new URL(`http://[${name}]`).hostname.slice(1, -1));
    else if (isIP(name) === 4) out.add(name);
    else if (/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(name))
      out.add(name);
    else throw new Error(`'${raw}' is neither a host name nor an IP address.`);
  }
  return [...out].sort();
}

async function loadOrCreateCa(dir: string, now: number): Promise<{ ca: KeyPair; created: boolean }> {
  const path = join(dir, 'ca-key.pem');
  const existing = await parseKeyPair(await readIfExists(path));
  if (existing && existing.cert.notAfter.getTime() - now > RENEW_BEFORE)
    return { ca: existing, created: false };
  const fresh = await createCa(now);
  if (existing) {
    // The old CA is about to expire: replacing it means users must trust the new one.
    await replaceFile(path, fresh.pem, SECRET_MODE);
    return { ca: fresh, created: true };
  }
  const winner = await createExclusive(path, fresh.pem, SECRET_MODE);
  const ca = await parseKeyPair(winner);
  if (!ca) throw new Error(`'${path}' does not hold a CA key and certificate.`);
  return { ca, created: winner === fresh.pem };
}

async function createCa(now: number): Promise<KeyPair> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify']);
  // A per-install suffix tells this CA apart from another machine's in an OS trust store.
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=Sessionite Local CA ${randomBytes(4).toString('hex')}, O=Sessionite local development`,
    notBefore: new Date(now - HOUR),
    notAfter: new Date(now + CA_VALIDITY),
    keys,
    signingAlgorithm: SIGN_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { privateKey: keys.privateKey, cert, pem: await pairPem(keys.privateKey, cert) };
}

async function issueServerCert(ca: KeyPair, names: string[], now: number): Promise<KeyPair> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=localhost, O=Sessionite local development',
    issuer: ca.cert.subject,
    // An hour of slack for clocks that lag (Docker Desktop VMs after sleep).
    notBefore: new Date(now - HOUR),
    notAfter: new Date(now + SERVER_VALIDITY),
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: SIGN_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(
        names.map((value) => ({ type: isIP(value) ? ('ip' as const) : ('dns' as const), value })),
        false,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
    ],
  });
  return { privateKey: keys.privateKey, cert, pem: await pairPem(keys.privateKey, cert) };
}

async function needsRenewal(server: KeyPair, ca: KeyPair, names: string[], now: number): Promise<boolean> {
  const { cert } = server;
  if (cert.notAfter.getTime() - now < RENEW_BEFORE || cert.notBefore.getTime() > now) return true;
  if (!(await cert.verify({ publicKey: ca.cert.publicKey, signatureOnly: true }))) return true;
  return certNames(cert).join(',') !== names.join(',');
}

export function certNames(cert: x509.X509Certificate): string[] {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const values =
    san?.names.items.filter((n) => n.type === 'dns' || n.type === 'ip').map((n) => n.value) ?? [];
  return normalizeNames(values);
}

async function pairPem(privateKey: CryptoKey, cert: x509.X509Certificate): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', privateKey);
  return `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n${cert.toString('pem')}\n`;
}

function keyPemOf(pairText: string): string {
  const block = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(pairText);
  if (!block) throw new Error('No private key found.');
  return `${block[0]}\n`;
}

async function parseKeyPair(text: string | undefined): Promise<KeyPair | undefined> {
  if (!text) return undefined;
  const certBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text);
  if (!certBlock) return undefined;
  const der = x509.PemConverter.decodeFirst(keyPemOf(text));
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, KEY_ALG, true, ['sign']);
  return { privateKey, cert: new x509.X509Certificate(certBlock[0]), pem: text };
}

/** 16 random bytes, positive as a DER INTEGER (RFC 5280 asks for ≤ 20 octets, non-negative). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}
