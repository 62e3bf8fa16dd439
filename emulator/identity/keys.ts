import { type KeyObject, createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type JWK, calculateJwkThumbprint } from 'jose';
import { SECRET_MODE, createExclusive, readIfExists } from './persist.js';

/**
 * The key the emulator signs access tokens with. It is persisted (0600) so tokens survive a restart
 * and the JWKS a client cached stays valid; `kid` is the RFC 7638 thumbprint of the public key, so it
 * changes exactly when the key does.
 */
export interface SigningKey {
  kid: string;
  alg: 'RS256';
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
}

export interface PublicJwk {
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
  kid: string;
  n: string;
  e: string;
}

export interface Jwks {
  keys: PublicJwk[];
}

const generateRsa = promisify(generateKeyPair);

export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const path = join(dataDir, 'identity', 'signing-key.pem');
  let pem = await readIfExists(path);
  if (pem === undefined) {
    const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
    pem = await createExclusive(
      path,
      privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      SECRET_MODE,
    );
  }
  return signingKeyFromPem(pem);
}

export async function signingKeyFromPem(pem: string): Promise<SigningKey> {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('The token signing key must be an RSA key.');
  const publicKey = createPublicKey(privateKey);
  const { n, e } = publicKey.export({ format: 'jwk' }) as JWK;
  if (!n || !e) throw new Error('Could not export the token signing key.');
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n, e }, 'sha256');
  return {
    kid,
    alg: 'RS256',
    privateKey,
    publicKey,
    publicJwk: { kty: 'RSA', use: 'sig', alg: 'RS256', kid, n, e },
  };
}

export function jwks(keys: SigningKey[]): Jwks {
  return { keys: keys.map((k) => k.publicJwk) };
}
