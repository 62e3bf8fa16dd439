import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Clock } from '../clock.js';
import type { SigningKey } from './keys.js';

/** Everything that goes into one access token; the issuer is always the emulator's own. */
export interface MintRequest {
  /** Becomes `aud` verbatim (the resource of `<resource>/.default`). */
  resource: string;
  clientId: string;
  objectId: string;
  tenantId: string;
  issuer: string;
  version: '1.0' | '2.0';
  roles?: string[];
  /** How the client proved itself: Entra's `appidacr`/`azpacr` ("0" none, "1" secret, "2" certificate). */
  authMethod: 'none' | 'secret' | 'certificate';
  /** Extra string claims (e.g. `xms_mirid` for managed identities). */
  extra?: Record<string, string>;
}

export interface IssuedToken {
  accessToken: string;
  /** Epoch seconds. */
  issuedAt: number;
  /** Epoch seconds. */
  expiresOn: number;
}

export interface TokenMinter {
  readonly lifetimeSec: number;
  mint(req: MintRequest): Promise<IssuedToken>;
}

export const DEFAULT_TOKEN_LIFETIME_SEC = 3600;
const ACR = { none: '0', secret: '1', certificate: '2' } as const;

/**
 * Signs app-only access tokens shaped like Entra's (v1 and v2 carry both `appid` and `azp` so
 * either style of consumer finds the caller). Times come from the injected clock, so a ManualClock
 * can expire tokens in tests.
 */
export function createTokenMinter(
  key: SigningKey,
  clock: Clock,
  lifetimeSec = DEFAULT_TOKEN_LIFETIME_SEC,
): TokenMinter {
  return {
    lifetimeSec,
    async mint(req) {
      const iat = Math.floor(clock.now() / 1000);
      const exp = iat + lifetimeSec;
      const acr = ACR[req.authMethod];
      const payload = {
        ...req.extra,
        tid: req.tenantId,
        oid: req.objectId,
        appid: req.clientId,
        azp: req.clientId,
        appidacr: acr,
        azpacr: acr,
        idp: req.issuer,
        idtyp: 'app',
        ...(req.roles && req.roles.length > 0 ? { roles: req.roles } : {}),
        uti: randomBytes(16).toString('base64url'),
        ver: req.version,
      };
      const accessToken = await new SignJWT(payload)
        .setProtectedHeader({ alg: key.alg, typ: 'JWT', kid: key.kid })
        .setIssuer(req.issuer)
        .setSubject(req.objectId)
        .setAudience(req.resource)
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(exp)
        .sign(key.privateKey);
      return { accessToken, issuedAt: iat, expiresOn: exp };
    },
  };
}
