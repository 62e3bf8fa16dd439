import { randomUUID } from 'node:crypto';
import { safeText } from './ids.js';

/**
 * Failures of the token endpoint, in Entra's OAuth shape rather than Azure's `{"error":{…}}`: MSAL
 * parses `error`, `error_description` and `error_codes`. Descriptions never contain a secret or an
 * assertion, only identifiers the client sent in the clear (client id, scope, tenant).
 */
export class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    message: string,
  ) {
    super(message);
    this.name = 'EntraError';
  }
}

const err = (status: number, error: string, code: number, message: string): EntraError =>
  new EntraError(status, error, code, message);

export const EntraErrors = {
  missingParameter: (name: string) =>
    err(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  unsupportedGrantType: (grant: string) =>
    err(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${safeText(grant, 60)}'.`,
    ),
  invalidScope: (scope: string) =>
    err(
      400,
      'invalid_scope',
      70011,
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${safeText(scope)} is not valid.`,
    ),
  scopeNotDefault: (scope: string) =>
    err(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${safeText(scope)} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  invalidResource: (resource: string) =>
    err(400, 'invalid_resource', 500011, `The resource principal named ${safeText(resource)} is not valid.`),
  invalidTenant: () =>
    err(400, 'invalid_request', 90002, 'Tenant not found. The tenant segment of the URL is not valid.'),
  unknownApp: (clientId: string, tenant: string) =>
    err(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${safeText(clientId, 60)}' was not found in the directory '${safeText(tenant, 60)}'. This can happen if the application has not been registered with the emulator (appRegistrations).`,
    ),
  missingCredential: () =>
    err(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  invalidSecret: (clientId: string) =>
    err(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${safeText(clientId, 60)}'.`,
    ),
  invalidAssertion: (detail: string) =>
    err(401, 'invalid_client', 700027, `Client assertion failed signature validation. ${detail}`),
  badAssertionType: () =>
    err(
      400,
      'invalid_request',
      50027,
      "'client_assertion_type' must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
    ),
  conflictingCredentials: () =>
    err(400, 'invalid_request', 90023, "Send either 'client_secret' or 'client_assertion', not both."),
  assertionOutOfTime: () =>
    err(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.'),
  noCertificate: (clientId: string) =>
    err(
      401,
      'invalid_client',
      700027,
      `Client assertion failed signature validation: no certificate is registered for app '${safeText(clientId, 60)}'.`,
    ),
};

export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/** Entra's wire body; `correlationId` echoes the client's `client-request-id` when it sent one. */
export function entraErrorBody(e: EntraError, nowMs: number, correlationId?: string): EntraErrorBody {
  const traceId = randomUUID();
  const correlation =
    correlationId && /^[0-9a-fA-F-]{36}$/.test(correlationId) ? correlationId : randomUUID();
  // Entra's timestamp format: "2024-05-01 12:34:56Z".
  const timestamp = new Date(nowMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
  return {
    error: e.error,
    error_description: `AADSTS${e.aadsts}: ${e.message} Trace ID: ${traceId} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
    error_codes: [e.aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
    error_uri: `https://login.microsoftonline.com/error?code=${e.aadsts}`,
  };
}
