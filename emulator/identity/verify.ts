import type { KeyObject } from 'node:crypto';
import {
  type JWTPayload,
  type ProtectedHeaderParameters,
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
} from 'jose';
import type { Clock } from '../clock.js';
import type { ApiError } from '../errors.js';
import { AuthErrors } from './auth-errors.js';
import { SESSION_EXECUTOR_APP_ROLE, SESSION_EXECUTOR_ROLE_ID, isGuid, normalizeAudience } from './ids.js';
import { ExpiringLru } from './lru.js';
import { DEFAULT_HOSTNAMES } from './tls.js';
import type { AuthMode, RoleAssignments } from './types.js';

/**
 * Bearer-token checks for the data plane and ARM.
 *
 * Trust rules (security decisions):
 * - `alg: none` is refused in every mode but `off`; the signature check pins RS256.
 * - A token whose issuer is not a real-Entra issuer can only have come from this emulator, so it must
 *   carry a valid emulator signature, in `strict` and `basic` alike. Forging `iss: https://localhost…`
 *   therefore never works.
 * - `strict` accepts nothing else. `basic` also accepts tokens whose issuer is real Entra
 *   (`https://sts.windows.net/<tid>/`, `https://login.microsoftonline.com/<tid>/v2.0`) after checking
 *   shape, time and audience only: the emulator runs offline and cannot fetch Entra's keys. Such tokens
 *   are unauthenticated claims; basic mode is a convenience, not a security boundary.
 * - An app-role `roles` claim (`SessionExecutor` or the role id) stands in for a role assignment only on
 *   emulator-signed tokens, where the emulator itself put it there from an app registration. Real Entra
 *   never carries Azure RBAC roles in tokens, and in basic mode the claim is unverified.
 */
export const DATA_PLANE_AUDIENCES = ['https://dynamicsessions.io', 'https://acasessions.io'];
export const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.core.windows.net'];
export const ENTRA_ISSUER_PREFIXES = ['https://sts.windows.net/', 'https://login.microsoftonline.com/'];
const DEFAULT_SKEW_SEC = 300;

export type AccessTokenClaims = JWTPayload & {
  tid?: string;
  oid?: string;
  appid?: string;
  azp?: string;
  roles?: string[];
  ver?: string;
};

export type FailureReason =
  | 'missing'
  | 'malformed'
  | 'unsigned'
  | 'badSignature'
  | 'unknownIssuer'
  | 'expired'
  | 'notYetValid'
  | 'wrongAudience'
  | 'forbidden';

export type VerifyResult =
  | { ok: true; claims: AccessTokenClaims; source: 'emulator' | 'entra' | 'unchecked' }
  | { ok: false; error: ApiError; reason: FailureReason; wwwAuthenticate?: string };

export interface VerifyContext {
  /** Audiences accepted for this call in addition to the configured ones (ARM: the emulator's origin). */
  extraAudiences?: string[];
  /** HTTPS origin of the emulator's token service, for `authorization_uri` in WWW-Authenticate. */
  authorityOrigin?: string;
}

export interface TokenVerifier {
  verify(authorizationHeader: string | undefined, ctx?: VerifyContext): Promise<VerifyResult>;
}

/** Signature-checked tokens, shared by the data-plane and ARM verifiers. */
export type VerifiedTokenCache = ExpiringLru<{ claims: AccessTokenClaims; source: 'emulator' | 'entra' }>;

export function createVerifiedTokenCache(maxEntries = 1000): VerifiedTokenCache {
  return new ExpiringLru(maxEntries);
}

export interface TokenVerifierOptions {
  mode: AuthMode;
  audiences: string[];
  /** Public keys of this emulator's signing keys, by `kid`. */
  emulatorKeys: { kid: string; publicKey: KeyObject }[];
  clock: Clock;
  /** Data plane only: when set, callers need the Session Executor role (else 403). */
  roleAssignments?: RoleAssignments;
  /** Issuer prefixes treated as real Entra in basic mode; defaults to the public cloud's. */
  entraIssuerPrefixes?: string[];
  /** Host names that mean "this emulator" in an issuer (only affects which 401 reason is reported). */
  emulatorHosts?: string[];
  /** Tolerated clock difference for exp/nbf. */
  clockSkewSec?: number;
  cache?: VerifiedTokenCache;
  /** Default for `VerifyContext.authorityOrigin`. */
  authorityOrigin?: string;
}

type Verified = { claims: AccessTokenClaims; source: 'emulator' | 'entra' };
type Failure = Extract<VerifyResult, { ok: false }>;
/** A refusal before it is dressed for the wire; `claims` only ever feeds the (GUID-checked) tenant. */
type Rejection = { reason: FailureReason; error: ApiError; claims?: JWTPayload };

interface Policy {
  mode: AuthMode;
  audiences: string[];
  emulatorKeys: { kid: string; publicKey: KeyObject }[];
  clock: Clock;
  roleAssignments?: RoleAssignments;
  entraPrefixes: string[];
  emulatorHosts: Set<string>;
  skewSec: number;
  authorityOrigin?: string;
}

const DESCRIPTIONS: Record<Exclude<FailureReason, 'forbidden'>, string> = {
  missing: "The authentication failed because of missing 'Authorization' header.",
  malformed: 'The access token is malformed.',
  unsigned: 'Unsigned access tokens are not accepted.',
  badSignature: 'The access token signature is invalid.',
  unknownIssuer: 'The access token issuer is not trusted.',
  expired: 'The access token has expired.',
  notYetValid: 'The access token is not yet valid.',
  wrongAudience: 'The access token audience is not accepted.',
};

export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const cache = opts.cache ?? createVerifiedTokenCache();
  const policy: Policy = {
    ...opts,
    entraPrefixes: opts.entraIssuerPrefixes ?? ENTRA_ISSUER_PREFIXES,
    emulatorHosts: new Set((opts.emulatorHosts ?? DEFAULT_HOSTNAMES).map((h) => h.toLowerCase())),
    skewSec: opts.clockSkewSec ?? DEFAULT_SKEW_SEC,
  };
  return {
    async verify(authorizationHeader, ctx = {}) {
      if (policy.mode === 'off') {
        return { ok: true, claims: decodeQuietly(authorizationHeader), source: 'unchecked' };
      }
      if (!authorizationHeader)
        return toFailure(policy, { reason: 'missing', error: AuthErrors.missing() }, ctx);
      const token = bearerToken(authorizationHeader);
      if (!token) {
        const error = AuthErrors.malformed("The 'Authorization' header must be 'Bearer <JWT>'.");
        return toFailure(policy, { reason: 'malformed', error }, ctx);
      }
      let verified = cache.get(token, policy.clock.now());
      if (!verified) {
        const result = await checkSignature(policy, token);
        if ('reason' in result) return toFailure(policy, result, ctx);
        verified = result;
        // Cache only the time-independent facts (signature, issuer class); time, audience and roles
        // are re-checked on every call because the clock moves and the two planes differ.
        cache.set(token, verified, ((verified.claims.exp ?? 0) + policy.skewSec) * 1000);
      }
      const refusal = checkClaims(policy, verified, ctx);
      return refusal
        ? toFailure(policy, refusal, ctx)
        : { ok: true, claims: verified.claims, source: verified.source };
    },
  };
}

/** 401s carry the WWW-Authenticate value the HTTP edge must send; 403s do not (RFC 6750 §3). */
function toFailure(policy: Policy, r: Rejection, ctx: VerifyContext): Failure {
  if (r.reason === 'forbidden') return { ok: false, reason: r.reason, error: r.error };
  const authority = ctx.authorityOrigin ?? policy.authorityOrigin ?? 'https://login.microsoftonline.com';
  // The tenant comes from an unverified claim: only a GUID may reach the header.
  const tid = r.claims?.tid;
  const tenant = typeof tid === 'string' && isGuid(tid) ? tid : 'common';
  const wwwAuthenticate = `Bearer authorization_uri="${authority}/${tenant}/oauth2/authorize", error="invalid_token", error_description="${DESCRIPTIONS[r.reason]}"`;
  return { ok: false, reason: r.reason, error: r.error, wwwAuthenticate };
}

async function checkSignature(policy: Policy, token: string): Promise<Verified | Rejection> {
  let header: ProtectedHeaderParameters;
  let claims: AccessTokenClaims;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    return { reason: 'malformed', error: AuthErrors.malformed('It is not a well-formed JWT.') };
  }
  const reject = (reason: FailureReason, error: ApiError): Rejection => ({ reason, error, claims });
  if (!header.alg || header.alg.toLowerCase() === 'none') return reject('unsigned', AuthErrors.unsigned());
  if (typeof claims.iss !== 'string')
    return reject('malformed', AuthErrors.malformed("It has no 'iss' claim."));
  if (typeof claims.exp !== 'number')
    return reject('malformed', AuthErrors.malformed("It has no 'exp' claim."));
  const entraTenant = entraTenantOf(claims.iss, policy.entraPrefixes);
  if (entraTenant !== undefined) {
    if (policy.mode === 'strict') {
      const detail = 'The emulator runs in strict mode and accepts only tokens it issued itself.';
      return reject('unknownIssuer', AuthErrors.unknownIssuer(claims.iss, detail));
    }
    if (typeof claims.tid === 'string' && claims.tid.toLowerCase() !== entraTenant) {
      return reject('malformed', AuthErrors.malformed("Its 'tid' claim does not match its issuer."));
    }
    return { claims, source: 'entra' };
  }
  const keys = policy.emulatorKeys.filter((k) => header.kid === undefined || k.kid === header.kid);
  if (keys.length === 0 && !namesEmulator(claims.iss, policy.emulatorHosts)) {
    const detail = 'Tokens must come from this emulator or, in basic mode, from Microsoft Entra ID.';
    return reject('unknownIssuer', AuthErrors.unknownIssuer(claims.iss, detail));
  }
  for (const key of keys) {
    try {
      await compactVerify(token, key.publicKey, { algorithms: ['RS256'] });
      return { claims, source: 'emulator' };
    } catch {
      // try the next key
    }
  }
  const detail = 'The token was not signed by this emulator (was its data folder reset?); get a new token.';
  return reject('badSignature', AuthErrors.badSignature(detail));
}

function checkClaims(policy: Policy, v: Verified, ctx: VerifyContext): Rejection | undefined {
  const { claims } = v;
  const nowSec = policy.clock.now() / 1000;
  const exp = claims.exp ?? 0;
  if (nowSec > exp + policy.skewSec) {
    return { reason: 'expired', error: AuthErrors.expired(exp, Math.floor(nowSec)), claims };
  }
  if (typeof claims.nbf === 'number' && nowSec < claims.nbf - policy.skewSec) {
    return { reason: 'notYetValid', error: AuthErrors.notYetValid(claims.nbf, Math.floor(nowSec)), claims };
  }
  const allowed = [...policy.audiences, ...(ctx.extraAudiences ?? [])].map(normalizeAudience);
  const auds = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).filter((a) => typeof a === 'string');
  if (!auds.some((a) => allowed.includes(normalizeAudience(a)))) {
    return { reason: 'wrongAudience', error: AuthErrors.wrongAudience(claims.aud, allowed), claims };
  }
  if (policy.roleAssignments && !hasSessionExecutor(v, policy.roleAssignments)) {
    return {
      reason: 'forbidden',
      error: AuthErrors.forbidden(claims.appid ?? claims.azp, claims.oid),
      claims,
    };
  }
  return undefined;
}

function bearerToken(header: string): string | undefined {
  const m = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*) *$/i.exec(header);
  return m?.[1];
}

function decodeQuietly(header: string | undefined): AccessTokenClaims {
  const token = header ? bearerToken(header) : undefined;
  if (!token) return {};
  try {
    return decodeJwt(token);
  } catch {
    return {};
  }
}

/** The tenant GUID of a real-Entra issuer (`<prefix><tid>/` or `<prefix><tid>/v2.0`), else undefined. */
function entraTenantOf(iss: string, prefixes: string[]): string | undefined {
  for (const prefix of prefixes) {
    if (!iss.toLowerCase().startsWith(prefix.toLowerCase())) continue;
    const m = /^([0-9a-fA-F-]{36})\/(v2\.0)?$/.exec(iss.slice(prefix.length));
    if (m?.[1] && isGuid(m[1])) return m[1].toLowerCase();
  }
  return undefined;
}

function namesEmulator(iss: string, hosts: Set<string>): boolean {
  try {
    return hosts.has(new URL(iss).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase());
  } catch {
    return false;
  }
}

function hasSessionExecutor(v: Verified, assignments: RoleAssignments): boolean {
  const holders = new Set(assignments.sessionExecutors.map((s) => s.toLowerCase()));
  if (holders.has('*')) return true;
  const { claims } = v;
  const ids = [claims.oid, claims.appid, claims.azp].filter((x): x is string => typeof x === 'string');
  if (ids.some((id) => holders.has(id.toLowerCase()))) return true;
  const roles = Array.isArray(claims.roles) ? claims.roles : [];
  return (
    v.source === 'emulator' &&
    roles.some((r) => r === SESSION_EXECUTOR_APP_ROLE || r === SESSION_EXECUTOR_ROLE_ID)
  );
}
