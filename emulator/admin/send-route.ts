import { Router, type Request } from 'express';
import type { Emulator } from '../emulator.js';
import { validateIdentifier } from '../pool/identifier.js';
import type { SendRequest, SendResponse } from './contract.js';
import { dataPlaneAuthorization } from './identity-routes.js';
import { sendAdminError, sendJson } from './respond.js';

const MAX_BODY_BYTES = 1024 * 1024;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/**
 * The composer: the server sends the request to the pool's own endpoint, so it goes through exactly the
 * path a client's request takes (allocation, forwarding, events, token check), with a data-plane token
 * issued by the emulator's identity.
 */
export function sendRoute(emulator: Emulator): Router {
  const router = Router();
  router.post('/pools/:name/send', async (req: Request<{ name: string }>, res) => {
    if (!emulator.getPool(req.params.name)) {
      sendAdminError(res, 404, 'PoolNotFound', `No pool named '${req.params.name}'.`);
      return;
    }
    const body = req.body as Partial<SendRequest> | undefined;
    const problem = checkSend(body);
    if (problem || !body) {
      sendAdminError(res, 400, 'InvalidRequest', problem ?? 'Send a request description.');
      return;
    }
    const request = body as SendRequest;
    const url = new URL(emulator.poolEndpoint(req.params.name) + request.path);
    url.searchParams.set('identifier', request.identifier);
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: request.method,
        // The token is added here, never in the browser; a header the user set wins.
        headers: { ...(await dataPlaneAuthorization(emulator)), ...request.headers },
        body: request.method === 'GET' || request.method === 'HEAD' ? undefined : (request.body ?? ''),
        signal: AbortSignal.timeout(emulator.limits.responseHeadersTimeoutMs + 5000),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      sendJson<SendResponse>(res, 200, {
        status: response.status,
        headers: Object.fromEntries(response.headers.entries()),
        body: bytes.subarray(0, MAX_BODY_BYTES).toString('utf8'),
        truncated: bytes.length > MAX_BODY_BYTES,
        totalMs: Math.round(performance.now() - started),
      });
    } catch (error) {
      sendAdminError(res, 502, 'InternalError', `The request could not be sent: ${String(error)}`);
    }
  });
  return router;
}

function checkSend(body: Partial<SendRequest> | undefined): string | undefined {
  if (!body || typeof body !== 'object') return 'Send {identifier, method, path, headers, body?}.';
  if (typeof body.identifier !== 'string') return "'identifier' is required.";
  const invalid = validateIdentifier(body.identifier);
  if (invalid) return invalid.message;
  if (typeof body.method !== 'string' || !METHODS.has(body.method))
    return `'method' must be one of ${[...METHODS].join(', ')}.`;
  if (typeof body.path !== 'string' || !body.path.startsWith('/')) return "'path' must start with '/'.";
  if (typeof body.headers !== 'object' || body.headers === null)
    return "'headers' must be an object of strings.";
  if (Object.values(body.headers).some((value) => typeof value !== 'string'))
    return "'headers' must be an object of strings.";
  if (body.body !== undefined && typeof body.body !== 'string') return "'body' must be a string.";
  return undefined;
}
