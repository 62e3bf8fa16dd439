/**
 * The one place that loads @peculiar/x509. It resolves its services through tsyringe, which needs a
 * Reflect metadata polyfill evaluated first (ES modules evaluate imports in order), and it must use
 * Node's WebCrypto. Import `x509` from here, never '@peculiar/x509' directly.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export { x509 };
export type CryptoKey = webcrypto.CryptoKey;
