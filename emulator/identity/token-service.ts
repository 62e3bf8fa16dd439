import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Clock } from '../clock.js';
import type { TokenMinter } from './claims.js';
import { type AppRegistry, type ClientCredentials, authenticateClient } from './client-auth.js';
import { EntraError, EntraErrors, entraErrorBody } from './entra-errors.js';
import {
  isValidHostHeader,
  isValidResource,
  isValidTenantSegment,
  issuerV1,
  issuerV2,
  tenantIdFor,
} from './ids.js';
import { type SigningKey, jwks } from './keys.js';

/**
 * The fake Entra token service, shaped after what MSAL (@azure/identity) reads:
 *
 *   GET  /{tenant}/v2.0/.well-known/openid-configuration   (v1: /{tenant}/.well-known/openid-configuration)
 *   GET  /{tenant}/discovery/v2.0/keys                      (v1: /{tenant}/discovery/keys, e.g. /common/…)
 *   POST /{tenant}/oauth2/v2.0/token                        (client_credentials, scope=<resource>/.default)
 *   POST /{tenant}/oauth2/token                             (v1, resource=<resource>)
 *
 * Every URL it hands out (issuer, token endpoint, JWKS) is built from the request's own scheme, host and
 * port, because MSAL rejects discovery documents whose issuer is not on the authority's origin. Mount it
 * on the HTTPS listener: MSAL refuses plain-HTTP authorities.
 */
export interface TokenRouterOptions {
  minter: TokenMinter;
  keys: SigningKey[];
  registry: AppRegistry;
  clock: Clock;
}

/** OIDC scopes MSAL may add to any request; Entra ignores them for client credentials. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
const DEFAULT_SUFFIX = '/.default';

export function createTokenRouter(opts: TokenRouterOptions): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 });

  router.get('/:tenant/v2.0/.well-known/openid-configuration', (req, res) => {
    res.json(openIdConfiguration(requestOrigin(req), tenantOf(req), 'v2'));
  });
  router.get('/:tenant/.well-known/openid-configuration', (req, res) => {
    res.json(openIdConfiguration(requestOrigin(req), tenantOf(req), 'v1'));
  });
  router.get(['/:tenant/discovery/v2.0/keys', '/:tenant/discovery/keys'], (req, res) => {
    tenantOf(req);
    res.set('Cache-Control', 'public, max-age=3600').json(jwks(opts.keys));
  });
  router.post('/:tenant/oauth2/v2.0/token', form, async (req, res) => {
    await issueFromRequest(opts, req, res, 'v2');
  });
  router.post('/:tenant/oauth2/token', form, async (req, res) => {
    await issueFromRequest(opts, req, res, 'v1');
  });
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    const entra = toEntraError(err);
    if (!entra) {
      next(err);
      return;
    }
    res
      .status(entra.status)
      .set('Cache-Control', 'no-store')
      .json(entraErrorBody(entra, opts.clock.now(), req.get('client-request-id')));
  });
  return router;
}

/** Body-parser failures (oversized or malformed bodies) are client errors in Entra's shape too. */
function toEntraError(err: unknown): EntraError | undefined {
  if (err instanceof EntraError) return err;
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new EntraError(400, 'invalid_request', 900144, 'The request body could not be read as a form.');
  }
  return undefined;
}

async function issueFromRequest(opts: TokenRouterOptions, req: Request, res: Response, ver: 'v1' | 'v2') {
  const tenant = tenantOf(req);
  const origin = requestOrigin(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const grant = field(body, 'grant_type');
  if (!grant) throw EntraErrors.missingParameter('grant_type');
  if (grant !== 'client_credentials') throw EntraErrors.unsupportedGrantType(grant);
  const creds = clientCredentials(req, body);
  const resource =
    ver === 'v2' ? resourceFromScope(field(body, 'scope')) : resourceFromV1(field(body, 'resource'));
  const tid = tenantIdFor(tenant);
  const tokenEndpoints = [tenant, tid].flatMap((t) => [
    `${origin}/${t}/oauth2/v2.0/token`,
    `${origin}/${t}/oauth2/token`,
    issuerV2(origin, t),
  ]);
  const nowMs = opts.clock.now();
  const client = await authenticateClient(opts.registry, creds, { tenant, tokenEndpoints, nowMs });
  const token = await opts.minter.mint({
    resource,
    clientId: client.clientId,
    objectId: client.objectId,
    tenantId: tid,
    issuer: ver === 'v2' ? issuerV2(origin, tid) : issuerV1(origin, tid),
    version: ver === 'v2' ? '2.0' : '1.0',
    roles: client.roles,
    authMethod: client.method,
  });
  // Entra reports one second less than the token lives, so a client never holds an expired token.
  const expiresIn = Math.max(0, token.expiresOn - Math.floor(nowMs / 1000) - 1);
  res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
  if (ver === 'v2') {
    res.json({
      token_type: 'Bearer',
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: token.accessToken,
    });
    return;
  }
  res.json({
    token_type: 'Bearer',
    expires_in: String(expiresIn),
    ext_expires_in: String(expiresIn),
    expires_on: String(token.expiresOn),
    not_before: String(token.issuedAt),
    resource,
    access_token: token.accessToken,
  });
}

/** `client_secret_post` (what MSAL sends) or `client_secret_basic`. */
function clientCredentials(req: Request, body: Record<string, unknown>): ClientCredentials {
  let clientId = field(body, 'client_id');
  let secret = field(body, 'client_secret');
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.get('authorization') ?? '');
  if (!clientId && basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      clientId = safeDecode(decoded.slice(0, colon));
      secret = safeDecode(decoded.slice(colon + 1));
    }
  }
  if (!clientId) throw EntraErrors.missingParameter('client_id');
  if (clientId.length > 256) throw EntraErrors.unknownApp(clientId, 'this tenant');
  return {
    clientId,
    secret,
    assertion: field(body, 'client_assertion'),
    assertionType: field(body, 'client_assertion_type'),
  };
}

export function resourceFromScope(scope: string | undefined): string {
  if (!scope) throw EntraErrors.missingParameter('scope');
  const parts = scope.split(/\s+/).filter((s) => s && !OIDC_SCOPES.has(s.toLowerCase()));
  const [only] = parts;
  if (parts.length !== 1 || !only) throw EntraErrors.invalidScope(scope);
  if (!only.endsWith(DEFAULT_SUFFIX)) throw EntraErrors.scopeNotDefault(only);
  const resource = only.slice(0, -DEFAULT_SUFFIX.length);
  if (!isValidResource(resource)) throw EntraErrors.invalidScope(only);
  return resource;
}

function resourceFromV1(resource: string | undefined): string {
  if (!resource) throw EntraErrors.missingParameter('resource');
  if (!isValidResource(resource)) throw EntraErrors.invalidResource(resource);
  return resource;
}

function tenantOf(req: Request): string {
  const tenant = req.params.tenant;
  if (typeof tenant !== 'string' || !isValidTenantSegment(tenant)) throw EntraErrors.invalidTenant();
  return tenant;
}

/** `https://host:port` of this request; a Host header that is not a plain host[:port] is refused. */
export function requestOrigin(req: Request): string {
  const host = (req.get('host') ?? '').toLowerCase();
  if (!isValidHostHeader(host)) {
    throw new EntraError(400, 'invalid_request', 900144, 'The Host header is missing or malformed.');
  }
  return `${req.protocol}://${host}`;
}

function field(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function openIdConfiguration(origin: string, tenant: string, ver: 'v1' | 'v2'): Record<string, unknown> {
  const base = `${origin}/${tenant}`;
  const tid = tenantIdFor(tenant);
  const v = ver === 'v2' ? '/v2.0' : '';
  return {
    token_endpoint: `${base}/oauth2${v}/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery${v}/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    grant_types_supported: ['client_credentials'],
    issuer: ver === 'v2' ? issuerV2(origin, tid) : issuerV1(origin, tid),
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2${v}/authorize`,
    device_authorization_endpoint: `${base}/oauth2${v}/devicecode`,
    end_session_endpoint: `${base}/oauth2${v}/logout`,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'nbf',
      'oid',
      'tid',
      'appid',
      'azp',
      'roles',
      'ver',
    ],
    tenant_region_scope: null,
    cloud_instance_name: new URL(origin).hostname,
  };
}
