import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, Errors } from '../errors.js';
import { requireIdentifier } from '../pool/identifier.js';
import type { SessionPool } from '../pool/session-pool.js';
import type { PoolUrl } from './pool-url.js';

export const LIST_PAGE_SIZE = 300;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function identifierOrThrow(query: string): string {
  const result = requireIdentifier(query);
  if ('error' in result) throw result.error;
  return result.identifier;
}

function requireMethod(req: IncomingMessage, allowed: string[]): void {
  if (!allowed.includes(req.method ?? '')) {
    throw new ApiError(405, 'MethodNotAllowed', `Use ${allowed.join(' or ')} for this operation.`);
  }
}

/**
 * `/.management/*` on custom-container pools, answered by the platform (the emulator) and never
 * forwarded to the session: the real service forwards some of these into containers, a known gap
 * users asked to close (microsoft/azure-container-apps#1665).
 */
export async function handleManagement(
  req: IncomingMessage,
  res: ServerResponse,
  pool: SessionPool,
  url: PoolUrl,
  baseUrl: string,
): Promise<void> {
  const operation = url.rest.slice('/.management/'.length);
  switch (operation) {
    case 'stopSession': {
      requireMethod(req, ['POST']);
      const identifier = identifierOrThrow(url.query);
      if (!(await pool.stopIdentifier(identifier))) throw Errors.sessionNotFound(pool.name, identifier);
      const text = `Session ${identifier} in session pool ${pool.name} stopped.`;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    case 'getSession': {
      requireMethod(req, ['POST', 'GET']);
      const identifier = identifierOrThrow(url.query);
      const view = pool.view(identifier);
      if (!view) throw Errors.sessionNotFound(pool.name, identifier);
      sendJson(res, 200, view);
      return;
    }
    case 'listSessions': {
      requireMethod(req, ['POST', 'GET']);
      const params = new URLSearchParams(url.query);
      const skip = Number(params.get('skip') ?? '0');
      if (!Number.isInteger(skip) || skip < 0) {
        throw new ApiError(400, 'InvalidParameterValue', "'skip' must be a non-negative integer.", 'skip');
      }
      const all = pool.list();
      const value = all.slice(skip, skip + LIST_PAGE_SIZE);
      const next = skip + LIST_PAGE_SIZE < all.length ? skip + LIST_PAGE_SIZE : undefined;
      const nextParams = new URLSearchParams(params);
      if (next !== undefined) nextParams.set('skip', String(next));
      const nextLink = next === undefined ? null : `${baseUrl}${url.prefix}/.management/listSessions?${nextParams.toString()}`;
      sendJson(res, 200, { value, count: all.length, nextLink });
      return;
    }
    default:
      throw Errors.routeNotFound(`/.management/${operation}`);
  }
}
