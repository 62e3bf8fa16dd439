import { type KeyObject, X509Certificate, createHash, timingSafeEqual } from 'node:crypto';
import {
  type JWTPayload,
  type ProtectedHeaderParameters,
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
} from 'jose';
import { EntraErrors } from './entra-errors.js';
import { normalizeAudience, objectIdForClient } from './ids.js';
import type { AppRegistration } from './types.js';

/**
 * Client authentication for the `client_credentials` grant.
 *
 * - No app registrations configured ("open"): any client id with any non-empty secret gets a token,
 *   and a `client_assertion` is checked for shape, audience, subject and time but NOT for its signature
 *   — there is no registered certificate to check it against.
 * - App registrations configured ("restricted"): only registered client ids; secrets are compared in
 *   constant time; assertions must verify against one of the app's registered certificates.
 *
 * Assertions are not rejected as replays: MSAL deliberately reuses one assertion for its 10-minute
 * lifetime, and Entra accepts that.
 */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Signature algorithms MSAL and other clients use for assertions (msal-node: PS256 with x5t#S256). */
const ASSERTION_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384'];
const SKEW_SEC = 300;

interface RegisteredCert {
  publicKey: KeyObject;
  x5t: string;
  x5tS256: string;
}

interface RegisteredApp {
  clientId: string;
  secretDigest?: Buffer;
  certificates: RegisteredCert[];
  objectId: string;
  roles: string[];
}

export interface AppRegistry {
  readonly restricted: boolean;
  find(clientId: string): RegisteredApp | undefined;
}

export interface AuthenticatedClient {
  clientId: string;
  objectId: string;
  roles: string[];
  method: 'secret' | 'certificate';
}

export interface ClientCredentials {
  clientId: string;
  secret?: string;
  assertion?: string;
  assertionType?: string;
}

export interface AuthContext {
  tenant: string;
  /** Audiences a client assertion may name: this emulator's token endpoints for the tenant. */
  tokenEndpoints: string[];
  nowMs: number;
}

/** Parses registrations once at start, so a bad certificate PEM fails the start, not a request. */
export function createAppRegistry(registrations?: AppRegistration[]): AppRegistry {
  const apps = new Map<string, RegisteredApp>();
  for (const r of registrations ?? []) {
    apps.set(r.clientId.toLowerCase(), {
      clientId: r.clientId,
      secretDigest: r.secret === undefined ? undefined : digest(r.secret),
      certificates: parseCertificates(r.certificatePem ?? '', r.clientId),
      objectId: r.objectId ?? objectIdForClient(r.clientId),
      roles: r.roles ?? [],
    });
  }
  return {
    restricted: registrations !== undefined && registrations.length > 0,
    find: (clientId) => apps.get(clientId.toLowerCase()),
  };
}

function parseCertificates(pem: string, clientId: string): RegisteredCert[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (pem.trim() && blocks.length === 0)
    throw new Error(`certificatePem of app '${clientId}' holds no certificate.`);
  return blocks.map((block) => {
    const cert = new X509Certificate(block);
    return {
      publicKey: cert.publicKey,
      x5t: createHash('sha1').update(cert.raw).digest('base64url'),
      x5tS256: createHash('sha256').update(cert.raw).digest('base64url'),
    };
  });
}

export async function authenticateClient(
  registry: AppRegistry,
  creds: ClientCredentials,
  ctx: AuthContext,
): Promise<AuthenticatedClient> {
  const app = registry.find(creds.clientId);
  if (registry.restricted && !app) throw EntraErrors.unknownApp(creds.clientId, ctx.tenant);
  if (creds.secret !== undefined && creds.assertion !== undefined) throw EntraErrors.conflictingCredentials();
  const objectId = app?.objectId ?? objectIdForClient(creds.clientId);
  const roles = app?.roles ?? [];
  if (creds.assertion !== undefined) {
    if (creds.assertionType !== JWT_BEARER) throw EntraErrors.badAssertionType();
    await checkAssertion(creds.assertion, creds.clientId, app, registry.restricted, ctx);
    return { clientId: creds.clientId, objectId, roles, method: 'certificate' };
  }
  if (!creds.secret) throw EntraErrors.missingCredential();
  if (registry.restricted && !secretMatches(app?.secretDigest, creds.secret)) {
    throw EntraErrors.invalidSecret(creds.clientId);
  }
  return { clientId: creds.clientId, objectId, roles, method: 'secret' };
}

/** Hashing first gives equal-length inputs to timingSafeEqual, so neither length nor content leaks. */
function secretMatches(expected: Buffer | undefined, given: string): boolean {
  return expected !== undefined && timingSafeEqual(expected, digest(given));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

async function checkAssertion(
  assertion: string,
  clientId: string,
  app: RegisteredApp | undefined,
  restricted: boolean,
  ctx: AuthContext,
): Promise<void> {
  let header: ProtectedHeaderParameters;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    payload = decodeJwt(assertion);
  } catch {
    throw EntraErrors.invalidAssertion('The assertion is not a well-formed JWT.');
  }
  if (!header.alg || !ASSERTION_ALGS.includes(header.alg)) {
    throw EntraErrors.invalidAssertion(
      'The assertion must be signed with an RSA or EC algorithm (alg "none" is refused).',
    );
  }
  if (restricted) await checkAssertionSignature(assertion, header, clientId, app);
  checkAssertionClaims(payload, clientId, ctx);
}

async function checkAssertionSignature(
  assertion: string,
  header: ProtectedHeaderParameters,
  clientId: string,
  app: RegisteredApp | undefined,
): Promise<void> {
  if (!app || app.certificates.length === 0) throw EntraErrors.noCertificate(clientId);
  // Like Entra, pick the certificate by the thumbprint in the header when there is one.
  const x5t = typeof header.x5t === 'string' ? header.x5t : undefined;
  const x5tS256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
  const candidates = app.certificates.filter(
    (c) => (x5t === undefined || c.x5t === x5t) && (x5tS256 === undefined || c.x5tS256 === x5tS256),
  );
  if (candidates.length === 0) {
    throw EntraErrors.invalidAssertion(
      `No certificate registered for app '${clientId}' matches the assertion's thumbprint.`,
    );
  }
  for (const cert of candidates) {
    try {
      await compactVerify(assertion, cert.publicKey, { algorithms: ASSERTION_ALGS });
      return;
    } catch {
      // try the next registered certificate
    }
  }
  throw EntraErrors.invalidAssertion('The signature does not verify with the registered certificate.');
}

function checkAssertionClaims(payload: JWTPayload, clientId: string, ctx: AuthContext): void {
  const auds = (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).filter(
    (a) => typeof a === 'string',
  );
  const allowed = new Set(ctx.tokenEndpoints.map((e) => normalizeAudience(e).toLowerCase()));
  if (!auds.some((a) => allowed.has(normalizeAudience(a).toLowerCase()))) {
    throw EntraErrors.invalidAssertion(
      `The 'aud' claim must be this token endpoint (${ctx.tokenEndpoints[0]}).`,
    );
  }
  if (payload.iss !== clientId || payload.sub !== clientId) {
    throw EntraErrors.invalidAssertion("The 'iss' and 'sub' claims must both equal the client id.");
  }
  const now = Math.floor(ctx.nowMs / 1000);
  if (typeof payload.exp !== 'number')
    throw EntraErrors.invalidAssertion("The assertion has no 'exp' claim.");
  if (payload.exp + SKEW_SEC < now) throw EntraErrors.assertionOutOfTime();
  if (typeof payload.nbf === 'number' && payload.nbf - SKEW_SEC > now) throw EntraErrors.assertionOutOfTime();
}
