import { ApiError } from '../errors.js';
import { SESSION_EXECUTOR_ROLE_ID, safeText } from './ids.js';

/**
 * Errors of bearer-token checks and of the managed identity endpoint, as ApiErrors (the HTTP edge
 * renders `{"error":{code,message}}`). Codes follow Azure Resource Manager's. Messages may quote a
 * sanitised claim (issuer, audience) but never the token or any part of it.
 */
const iso = (sec: number): string => (Number.isFinite(sec) ? new Date(sec * 1000).toISOString() : 'unknown');

export const AuthErrors = {
  missing: () =>
    new ApiError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
    ),
  malformed: (detail: string) =>
    new ApiError(401, 'InvalidAuthenticationToken', `The access token is invalid. ${detail}`),
  unsigned: () =>
    new ApiError(
      401,
      'InvalidAuthenticationToken',
      "The access token is not signed (alg 'none'); unsigned tokens are never accepted.",
    ),
  badSignature: (detail: string) =>
    new ApiError(401, 'InvalidAuthenticationToken', `The access token signature is invalid. ${detail}`),
  unknownIssuer: (issuer: unknown, detail: string) =>
    new ApiError(
      401,
      'InvalidAuthenticationTokenIssuer',
      `The access token issuer '${safeText(issuer)}' is not trusted. ${detail}`,
    ),
  expired: (expSec: number, nowSec: number) =>
    new ApiError(
      401,
      'ExpiredAuthenticationToken',
      `The access token expiry UTC time '${iso(expSec)}' is earlier than current UTC time '${iso(nowSec)}'.`,
    ),
  notYetValid: (nbfSec: number, nowSec: number) =>
    new ApiError(
      401,
      'InvalidAuthenticationToken',
      `The access token is not valid before UTC time '${iso(nbfSec)}'; current UTC time is '${iso(nowSec)}'.`,
    ),
  wrongAudience: (aud: unknown, allowed: string[]) =>
    new ApiError(
      401,
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${safeText(aud)}'. It should exactly match with one of the allowed audiences '${allowed.join("', '")}'.`,
    ),
  forbidden: (appId: unknown, objectId: unknown) =>
    new ApiError(
      403,
      'AuthorizationFailed',
      `The client '${safeText(appId, 60)}' with object id '${safeText(objectId, 60)}' does not have authorization to use this session pool. It needs the role 'Azure ContainerApps Session Executor' (${SESSION_EXECUTOR_ROLE_ID}).`,
    ),
};

export const ManagedIdentityErrors = {
  headerMissing: () =>
    new ApiError(
      401,
      'MissingIdentityHeader',
      "The request must carry the 'X-IDENTITY-HEADER' header with the value of IDENTITY_HEADER.",
    ),
  headerInvalid: () =>
    new ApiError(401, 'InvalidIdentityHeader', 'The identity header does not match this identity endpoint.'),
  // 400, not 404: MSAL retries managed-identity 404s for ~18 s, and a revoked pool identity never returns.
  endpointNotFound: () =>
    new ApiError(
      400,
      'IdentityNotFound',
      'No managed identity is registered at this endpoint (was its session pool removed?).',
    ),
  identityNotAvailable: (param: string) =>
    new ApiError(
      400,
      'IdentityNotFound',
      `The identity requested with '${param}' is not assigned to this session pool.`,
      param,
    ),
  missingParameter: (param: string) =>
    new ApiError(400, 'InvalidRequest', `The query parameter '${param}' is required.`, param),
  invalidResource: (resource: string) =>
    new ApiError(
      400,
      'InvalidResource',
      `The resource '${safeText(resource)}' is not a valid resource URI.`,
      'resource',
    ),
};
