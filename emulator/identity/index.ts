import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Router } from 'express';
import type { Clock } from '../clock.js';
import { type IssuedToken, createTokenMinter } from './claims.js';
import { createAppRegistry } from './client-auth.js';
import { DEFAULT_CLIENT_ID, DEFAULT_TENANT_ID, isValidResource, issuerV2, objectIdForClient } from './ids.js';
import { type Jwks, jwks, loadOrCreateSigningKey } from './keys.js';
import {
  type IdentityEndpoint,
  type SessionIdentityOptions,
  type SessionIdentityOwner,
  createManagedIdentity,
} from './managed-identity.js';
import { SECRET_MODE, createExclusive, readIfExists } from './persist.js';
import { DEFAULT_HOSTNAMES, type TlsMaterial, ensureTls } from './tls.js';
import { createTokenRouter } from './token-service.js';
import type { AppRegistration, AuthMode, RoleAssignments } from './types.js';
import {
  ARM_AUDIENCES,
  DATA_PLANE_AUDIENCES,
  type VerifyResult,
  createTokenVerifier,
  createVerifiedTokenCache,
} from './verify.js';

/**
 * The emulator's identity: HTTPS material, a fake Entra token service, bearer-token checks and managed
 * identity endpoints. The server mounts `tokenRouter` on its HTTPS listener and `managedIdentityRouter`
 * where apps and sessions can reach it (plain HTTP is fine), and calls `verifyDataPlane`/`verifyArm`
 * on every request of those planes.
 */
export interface IdentityOptions {
  dataDir: string;
  clock: Clock;
  /** Default `basic`. */
  mode?: AuthMode;
  appRegistrations?: AppRegistration[];
  roleAssignments?: RoleAssignments;
  extraHostnames?: string[];
  userCert?: { certPath: string; keyPath: string };
  tokenLifetimeSec?: number;
}

export interface IssueTokenRequest {
  /** `https://dynamicsessions.io` (a trailing `/.default` is accepted and dropped). */
  resource: string;
  clientId?: string;
  tenantId?: string;
  /** Origin to name in `iss`; defaults to `https://localhost`. */
  origin?: string;
}

export interface VerifyOptions {
  /** HTTPS origin of this emulator, named in WWW-Authenticate's `authorization_uri`. */
  authorityOrigin?: string;
}

export interface Identity {
  readonly mode: AuthMode;
  readonly tenantId: string;
  readonly tls: TlsMaterial;
  readonly tokenRouter: Router;
  readonly managedIdentityRouter: Router;
  readonly hostManagedIdentity: IdentityEndpoint;
  verifyDataPlane(authorizationHeader: string | undefined, opts?: VerifyOptions): Promise<VerifyResult>;
  verifyArm(
    authorizationHeader: string | undefined,
    ownOrigin: string,
    opts?: VerifyOptions,
  ): Promise<VerifyResult>;
  issueToken(req: IssueTokenRequest): Promise<IssuedToken>;
  registerSessionIdentity(pool: SessionIdentityOwner, opts?: SessionIdentityOptions): IdentityEndpoint;
  unregisterSessionIdentity(pool: SessionIdentityOwner): boolean;
  jwks(): Jwks;
}

export async function createIdentity(opts: IdentityOptions): Promise<Identity> {
  const mode = opts.mode ?? 'basic';
  const extraHostnames = opts.extraHostnames ?? [];
  const [tls, key, hostHeader] = await Promise.all([
    ensureTls(opts.dataDir, { extraHostnames, userCert: opts.userCert }),
    loadOrCreateSigningKey(opts.dataDir),
    loadOrCreateHostHeader(opts.dataDir),
  ]);
  const minter = createTokenMinter(key, opts.clock, opts.tokenLifetimeSec);
  const registry = createAppRegistry(opts.appRegistrations);
  const mi = createManagedIdentity({ minter, clock: opts.clock, tenantId: DEFAULT_TENANT_ID, hostHeader });
  // One cache for both planes: it holds only signature results, which do not depend on the plane.
  const cache = createVerifiedTokenCache();
  const common = {
    mode,
    clock: opts.clock,
    cache,
    emulatorKeys: [{ kid: key.kid, publicKey: key.publicKey }],
    emulatorHosts: [...DEFAULT_HOSTNAMES, ...extraHostnames],
  };
  const dataPlane = createTokenVerifier({
    ...common,
    audiences: DATA_PLANE_AUDIENCES,
    roleAssignments: opts.roleAssignments,
  });
  const arm = createTokenVerifier({ ...common, audiences: ARM_AUDIENCES });

  return {
    mode,
    tenantId: DEFAULT_TENANT_ID,
    tls,
    tokenRouter: createTokenRouter({ minter, keys: [key], registry, clock: opts.clock }),
    managedIdentityRouter: mi.router,
    hostManagedIdentity: mi.host,
    verifyDataPlane: (header, v = {}) => dataPlane.verify(header, v),
    verifyArm: (header, ownOrigin, v = {}) => arm.verify(header, { ...v, extraAudiences: [ownOrigin] }),
    async issueToken(req) {
      const resource = req.resource.replace(/\/\.default$/, '');
      if (!isValidResource(resource)) throw new Error(`'${req.resource}' is not a valid resource URI.`);
      const clientId = req.clientId ?? DEFAULT_CLIENT_ID;
      const app = registry.find(clientId);
      const tenantId = req.tenantId ?? DEFAULT_TENANT_ID;
      return minter.mint({
        resource,
        clientId,
        objectId: app?.objectId ?? objectIdForClient(clientId),
        tenantId,
        issuer: issuerV2(req.origin ?? 'https://localhost', tenantId),
        version: '2.0',
        roles: app?.roles,
        authMethod: 'secret',
      });
    },
    registerSessionIdentity: (pool, o) => mi.registerSessionIdentity(pool, o),
    unregisterSessionIdentity: (pool) => mi.unregisterSessionIdentity(pool),
    jwks: () => jwks([key]),
  };
}

/** The host identity's IDENTITY_HEADER is kept (0600) so a developer's exported env survives restarts. */
async function loadOrCreateHostHeader(dataDir: string): Promise<string> {
  const path = join(dataDir, 'identity', 'host-identity-header');
  const existing = await readIfExists(path);
  if (existing?.trim()) return existing.trim();
  return (await createExclusive(path, randomBytes(32).toString('base64url'), SECRET_MODE)).trim();
}

export type { AppRegistration, AuthMode, RoleAssignments } from './types.js';
export type { IdentityEndpoint, SessionIdentityOptions, SessionIdentityOwner } from './managed-identity.js';
export type { TlsMaterial } from './tls.js';
export type { IssuedToken } from './claims.js';
export type { AccessTokenClaims, FailureReason, VerifyResult } from './verify.js';
export { SESSION_EXECUTOR_ROLE_ID, SESSION_EXECUTOR_APP_ROLE, DEFAULT_TENANT_ID } from './ids.js';
export { formatAzAccessToken, azAccessToken, trustInstructions } from './cli-output.js';
