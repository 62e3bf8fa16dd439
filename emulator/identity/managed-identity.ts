import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Clock } from '../clock.js';
import { ApiError } from '../errors.js';
import { ManagedIdentityErrors as MiErrors } from './auth-errors.js';
import type { TokenMinter } from './claims.js';
import { derivedGuid, isValidHostHeader, isValidResource, issuerV1, objectIdForClient } from './ids.js';

/**
 * The App Service-style managed identity endpoint (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`), which
 * ManagedIdentityCredential and DefaultAzureCredential use with no code change.
 *
 * Design: one endpoint path per identity, one secret per endpoint.
 *   host identity (the developer's app):  GET /msi/token?api-version=2019-08-01&resource=…
 *   a pool's identity (code in sessions): GET /msi/pools/<random id>/token?api-version=…&resource=…
 * The path tells the server which identity is asked for; the `X-IDENTITY-HEADER` secret (or the
 * 2017-09-01 `secret` header) must then be that identity's own. Sessions only ever receive their own
 * pool's path and secret, so a session cannot use the host's or another pool's identity: knowing a path
 * is not enough, and the secrets are random and compared in constant time. A pool endpoint issues
 * tokens only for its pool's identity; the host endpoint, used by the trusted developer, issues tokens
 * for any `client_id`/`object_id`/`mi_res_id` asked for, so production code that names a user-assigned
 * identity runs unchanged.
 *
 * Plain HTTP is fine here (as on App Service); mount it on the listener sessions can reach.
 */
export interface IdentityEndpoint {
  endpointPath: string;
  /** The value for IDENTITY_HEADER. */
  header: string;
  clientId: string;
  objectId: string;
  /** ARM id of the identity (`xms_mirid`). */
  resourceId: string;
}

export interface SessionIdentityOwner {
  name: string;
  resourceGroup?: string;
  subscriptionId?: string;
}

export interface SessionIdentityOptions {
  clientId?: string;
  objectId?: string;
  resourceId?: string;
}

export interface ManagedIdentityService {
  router: Router;
  host: IdentityEndpoint;
  /** Idempotent: a pool already registered keeps its endpoint and secret. */
  registerSessionIdentity(pool: SessionIdentityOwner, opts?: SessionIdentityOptions): IdentityEndpoint;
  /** Revokes the pool's endpoint at once; returns false when it was not registered. */
  unregisterSessionIdentity(pool: SessionIdentityOwner): boolean;
}

export interface ManagedIdentityOptions {
  minter: TokenMinter;
  clock: Clock;
  tenantId: string;
  /** The host identity's secret; persisted by the caller so IDENTITY_HEADER survives restarts. */
  hostHeader: string;
  hostClientId?: string;
}

interface Entry extends IdentityEndpoint {
  /** The host identity may act as any identity it is asked for; pool identities only as themselves. */
  anyIdentity: boolean;
  headerDigest: Buffer;
}

const ZERO_SUB = '00000000-0000-0000-0000-000000000000';
export const HOST_IDENTITY_PATH = '/msi/token';

export function createManagedIdentity(opts: ManagedIdentityOptions): ManagedIdentityService {
  const hostClientId = opts.hostClientId ?? derivedGuid('mi-client', 'host');
  const host: Entry = {
    endpointPath: HOST_IDENTITY_PATH,
    header: opts.hostHeader,
    headerDigest: digest(opts.hostHeader),
    clientId: hostClientId,
    objectId: objectIdForClient(hostClientId),
    resourceId: `/subscriptions/${ZERO_SUB}/resourceGroups/sessionite/providers/Microsoft.ManagedIdentity/userAssignedIdentities/sessionite-host`,
    anyIdentity: true,
  };
  const pools = new PoolIdentities();

  const router = express.Router();
  router.get(HOST_IDENTITY_PATH, async (req, res) => {
    await serveToken(opts, host, req, res);
  });
  router.get('/msi/pools/:id/token', async (req, res) => {
    const entry = pools.byPathId(String(req.params.id));
    if (!entry) throw MiErrors.endpointNotFound();
    await serveToken(opts, entry, req, res);
  });
  router.use(renderApiError);

  return {
    router,
    host: publicView(host),
    registerSessionIdentity: (pool, idOpts) => publicView(pools.register(pool, idOpts)),
    unregisterSessionIdentity: (pool) => pools.unregister(pool),
  };
}

/** Pool identities, found by the random id in their endpoint path. */
class PoolIdentities {
  private readonly byPath = new Map<string, Entry>();
  private readonly byPool = new Map<string, { pathId: string; entry: Entry }>();

  byPathId(pathId: string): Entry | undefined {
    return this.byPath.get(pathId);
  }

  register(pool: SessionIdentityOwner, idOpts: SessionIdentityOptions = {}): Entry {
    const key = poolKey(pool);
    const existing = this.byPool.get(key);
    if (existing) return existing.entry;
    const pathId = randomBytes(16).toString('hex');
    const header = randomBytes(32).toString('base64url');
    // Derived from the pool's ARM identity, so the same pool keeps the same client id across restarts.
    const clientId = idOpts.clientId ?? derivedGuid('mi-client', key);
    const entry: Entry = {
      endpointPath: `/msi/pools/${pathId}/token`,
      header,
      headerDigest: digest(header),
      clientId,
      objectId: idOpts.objectId ?? objectIdForClient(clientId),
      resourceId: idOpts.resourceId ?? poolResourceId(pool),
      anyIdentity: false,
    };
    this.byPool.set(key, { pathId, entry });
    this.byPath.set(pathId, entry);
    return entry;
  }

  unregister(pool: SessionIdentityOwner): boolean {
    const key = poolKey(pool);
    const found = this.byPool.get(key);
    if (!found) return false;
    this.byPool.delete(key);
    this.byPath.delete(found.pathId);
    return true;
  }
}

/** This router's errors in Azure's wire shape (the same the HTTP edge uses). */
function renderApiError(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (!(err instanceof ApiError)) {
    next(err);
    return;
  }
  const body = { code: err.code, message: err.message, ...(err.target ? { target: err.target } : {}) };
  res.status(err.status).set('x-ms-error-code', err.code).json({ error: body });
}

async function serveToken(
  opts: ManagedIdentityOptions,
  entry: Entry,
  req: Request,
  res: Response,
): Promise<void> {
  const given = req.get('x-identity-header') ?? req.get('secret');
  if (!given) throw MiErrors.headerMissing();
  if (!timingSafeEqual(digest(given), entry.headerDigest)) throw MiErrors.headerInvalid();
  const query = (name: string): string | undefined => {
    const v = req.query[name];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  if (!query('api-version')) throw MiErrors.missingParameter('api-version');
  const rawResource = query('resource');
  if (!rawResource) throw MiErrors.missingParameter('resource');
  // Some callers pass a scope instead of a resource; Entra's MI endpoints accept both.
  const resource = rawResource.replace(/\/\.default$/, '');
  if (!isValidResource(resource)) throw MiErrors.invalidResource(rawResource);
  const who = resolveIdentity(entry, {
    clientId: query('client_id') ?? query('clientid'),
    objectId: query('object_id') ?? query('principal_id'),
    resourceId: query('mi_res_id') ?? query('msi_res_id'),
  });
  const token = await opts.minter.mint({
    resource,
    clientId: who.clientId,
    objectId: who.objectId,
    tenantId: opts.tenantId,
    issuer: issuerV1(originOf(req), opts.tenantId),
    version: '1.0',
    authMethod: 'certificate',
    extra: { xms_mirid: who.resourceId },
  });
  res.set('Cache-Control', 'no-store').json({
    access_token: token.accessToken,
    expires_on: String(token.expiresOn),
    resource: rawResource,
    token_type: 'Bearer',
    client_id: who.clientId,
  });
}

interface Requested {
  clientId?: string;
  objectId?: string;
  resourceId?: string;
}

function resolveIdentity(
  entry: Entry,
  want: Requested,
): Pick<IdentityEndpoint, 'clientId' | 'objectId' | 'resourceId'> {
  const same = (a: string | undefined, b: string): boolean =>
    a === undefined || a.toLowerCase() === b.toLowerCase();
  if (
    same(want.clientId, entry.clientId) &&
    same(want.objectId, entry.objectId) &&
    same(want.resourceId, entry.resourceId)
  ) {
    return entry;
  }
  if (!entry.anyIdentity) {
    const param = want.clientId ? 'client_id' : want.objectId ? 'object_id' : 'mi_res_id';
    throw MiErrors.identityNotAvailable(param);
  }
  // Host endpoint: act as the user-assigned identity the developer's code names.
  const seed = want.clientId ?? want.objectId ?? want.resourceId ?? entry.clientId;
  const clientId = want.clientId ?? derivedGuid('mi-client', seed.toLowerCase());
  return {
    clientId,
    objectId: want.objectId ?? objectIdForClient(clientId),
    resourceId: want.resourceId ?? entry.resourceId,
  };
}

function originOf(req: Request): string {
  const host = (req.get('host') ?? '').toLowerCase();
  if (!isValidHostHeader(host))
    throw new ApiError(400, 'InvalidRequest', 'The Host header is missing or malformed.');
  return `${req.protocol}://${host}`;
}

function poolKey(pool: SessionIdentityOwner): string {
  return `${pool.subscriptionId ?? ''}/${pool.resourceGroup ?? ''}/${pool.name}`.toLowerCase();
}

function poolResourceId(pool: SessionIdentityOwner): string {
  return `/subscriptions/${pool.subscriptionId ?? ZERO_SUB}/resourceGroups/${pool.resourceGroup ?? 'sessionite'}/providers/Microsoft.App/sessionPools/${pool.name}`;
}

function publicView(e: Entry): IdentityEndpoint {
  return {
    endpointPath: e.endpointPath,
    header: e.header,
    clientId: e.clientId,
    objectId: e.objectId,
    resourceId: e.resourceId,
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
