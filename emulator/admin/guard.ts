import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import type { TLSSocket } from 'node:tls';
import { TOKEN_HEADER } from './contract.js';
import { sendAdminError } from './respond.js';

/**
 * Who may talk to the dashboard and its API. Security decisions, in order:
 *  1. Host: only the emulator's own loopback names (and the address it was told to listen on). A page on
 *     `evil.example` whose DNS flips to 127.0.0.1 (DNS rebinding) sends `Host: evil.example` and is refused.
 *     When listening on a wildcard address, IP-literal hosts are accepted too: rebinding needs a name.
 *  2. Origin: when a browser sends one, it must be the dashboard's own origin (or one the host configured,
 *     e.g. Electron's dev server). `Sec-Fetch-Site: cross-site|same-site` is refused for every method, so
 *     other pages — including other localhost ports — cannot even embed the API's responses.
 *  3. Mutating requests must be `application/json`, which a cross-site form cannot send without a
 *     preflight this API never answers.
 *  4. Token: required when listening beyond loopback (or when the host asks for it), compared in
 *     constant time. Browsers send it as a header; the dashboard gets it from the URL fragment, which
 *     never reaches a server or its logs.
 */
export interface GuardOptions {
  /** The address the emulator listens on (`127.0.0.1`, `0.0.0.0`, `::`, a LAN address …). */
  listenHost: string;
  token: string;
  requireToken: boolean;
  /** Extra Host names accepted (lower case, without port). */
  allowedHosts?: readonly string[];
  /** Extra exact origins accepted, e.g. `http://localhost:5173` for the Electron dev server. */
  allowedOrigins?: readonly string[];
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

export function isLoopbackHost(host: string): boolean {
  const bare = stripBrackets(host.toLowerCase());
  return LOOPBACK_NAMES.has(bare) || bare.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** `Host` header → lower-case hostname without port or brackets; undefined when malformed. */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    return stripBrackets(new URL(`http://${hostHeader}`).hostname.toLowerCase());
  } catch {
    return undefined;
  }
}

export function hostAllowed(hostHeader: string | undefined, options: GuardOptions): boolean {
  const hostname = hostnameOf(hostHeader);
  if (hostname === undefined) return false;
  if (isLoopbackHost(hostname)) return true;
  const listen = stripBrackets(options.listenHost.toLowerCase());
  if (hostname === listen) return true;
  if (isWildcard(listen) && isIP(hostname) !== 0) return true;
  return (options.allowedHosts ?? []).some((allowed) => allowed.toLowerCase() === hostname);
}

function originAllowed(req: Request, options: GuardOptions): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const proto = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  if (origin === `${proto}://${req.headers.host ?? ''}`) return true;
  return (options.allowedOrigins ?? []).includes(origin);
}

function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearer(req: Request): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  const authorization = req.headers.authorization;
  return authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Guards the whole reserved path. `apiOnly` parts (token, content type) do not apply to the static
 * dashboard files, which hold no data and must load before the page can present a token.
 */
export function createGuard(options: GuardOptions) {
  return {
    all: (req: Request, res: Response, next: NextFunction): void => {
      if (!hostAllowed(req.headers.host, options)) {
        sendAdminError(
          res,
          403,
          'ForbiddenHost',
          "The dashboard answers only on the emulator's own address.",
        );
        return;
      }
      const site = req.headers['sec-fetch-site'];
      if (!originAllowed(req, options) || site === 'cross-site' || site === 'same-site') {
        sendAdminError(res, 403, 'ForbiddenOrigin', 'Requests from other sites are not accepted.');
        return;
      }
      next();
    },
    api: (req: Request, res: Response, next: NextFunction): void => {
      if (options.requireToken && !tokenMatches(bearer(req), options.token)) {
        sendAdminError(
          res,
          401,
          'TokenRequired',
          `This emulator listens beyond loopback: send the admin token (header ${TOKEN_HEADER}); it is in the dashboard URL of the ready line.`,
        );
        return;
      }
      const contentType = req.headers['content-type'];
      const jsonOrNothing =
        contentType === undefined ? !hasBody(req) : /^application\/json\s*(;|$)/i.test(contentType);
      if (!SAFE_METHODS.has(req.method) && !jsonOrNothing) {
        sendAdminError(res, 415, 'UnsupportedMediaType', 'Send request bodies as application/json.');
        return;
      }
      next();
    },
  };
}

function hasBody(req: Request): boolean {
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
}

export function requiresToken(listenHost: string): boolean {
  return !isLoopbackHost(listenHost);
}
