import type { IncomingMessage } from 'node:http';
import type { ApiError } from '../errors.js';
import { requestOrigin } from '../http/data-plane.js';

/**
 * The ARM routes' auth slot. It returns the error to answer with (and headers such as
 * `WWW-Authenticate`), or undefined to let the request through. It runs before anything else on every
 * ARM route, operation polling included, so an unauthenticated caller learns nothing (not even
 * whether a pool exists or an api-version is valid).
 */
export type ArmAuthorize = (
  req: IncomingMessage,
) => Promise<{ error: ApiError; headers?: Record<string, string> } | undefined>;

/** What a bearer verifier answers; identity's `VerifyResult` has this shape. */
export type BearerCheck = { ok: true } | { ok: false; error: ApiError; wwwAuthenticate?: string };

/**
 * Adapts a token verifier to the auth slot. `ownOrigin` is the origin the request came in on, which
 * `@azure/arm-appcontainers` 3.x uses as the token audience when pointed at a custom endpoint
 * (`<endpoint>/.default`). Wiring identity is one line:
 *
 *   authorize: bearerAuthorizer((header, origin) => identity.verifyArm(header, origin, { authorityOrigin: origin }))
 */
export function bearerAuthorizer(
  verify: (authorization: string | undefined, ownOrigin: string) => Promise<BearerCheck>,
): ArmAuthorize {
  return async (req) => {
    const result = await verify(req.headers.authorization, requestOrigin(req).base);
    if (result.ok) return undefined;
    return result.wwwAuthenticate
      ? { error: result.error, headers: { 'WWW-Authenticate': result.wwwAuthenticate } }
      : { error: result.error };
  };
}
