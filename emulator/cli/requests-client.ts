import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { API_PATH, TOKEN_HEADER } from '../admin/contract.js';
import { REQUESTS_API_PATH } from '../traffic/types.js';
import { findAdminApi } from './logs-client.js';

/** The requests API relative to the admin API. */
const REQUESTS_ROUTE = REQUESTS_API_PATH.slice(API_PATH.length);

export interface ConnectOptions {
  dataDir?: string;
  endpoint?: string;
  ca?: string;
  /** The admin token (needed when the emulator listens beyond loopback). */
  token?: string;
}

export interface ApiAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RequestsClient {
  call(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** Like `call`, but parses JSON and turns an error answer into an exception with its message. */
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/**
 * Finds the running emulator like the `logs` command does (`--endpoint`, else the data folder's
 * emulator.json) and talks to its requests API.
 */
export async function connectRequests(options: ConnectOptions): Promise<RequestsClient> {
  const target = await findAdminApi(options);
  const call = (method: string, path: string, body?: unknown): Promise<ApiAnswer> =>
    send(new URL(target.base + REQUESTS_ROUTE + path), method, body, target.ca, target.token);
  return {
    call,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const answer = await call(method, path, body);
      let parsed: unknown;
      try {
        parsed = JSON.parse(answer.text);
      } catch {
        throw new Error(`unexpected answer from the emulator (status ${answer.status})`);
      }
      const error = (parsed as { error?: unknown }).error;
      if (answer.status >= 400 && error && typeof error === 'object' && 'message' in error) throw new Error(String(error.message));
      if (answer.status >= 400 && typeof error === 'string') throw new Error(error);
      return parsed as T;
    },
  };
}

function send(url: URL, method: string, body: unknown, ca: string | undefined, token: string | undefined): Promise<ApiAnswer> {
  // The admin guard refuses bodies that are not JSON; mutating calls always send one.
  const payload = body === undefined && method !== 'GET' && method !== 'DELETE' ? '{}' : body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  if (token) headers[TOKEN_HEADER] = token;
  return new Promise((done, fail) => {
    const options = { method, headers, ...(ca ? { ca } : {}) };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.on('error', (error) => fail(new Error(`cannot reach the emulator at ${url.origin}: ${error.message}`)));
    req.end(payload);
  });
}
