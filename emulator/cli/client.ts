import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DEFAULT_API_VERSION } from '../arm/api-version.js';
import { findRunningEmulator } from './running.js';

/**
 * How `sessionite pool …` and `sessionite session …` reach the running emulator: its HTTPS origin and
 * CA come from `--endpoint`/`--ca` or the data folder's emulator.json; every request carries a bearer
 * token (ARM audience for the control plane, `https://dynamicsessions.io` for the data plane) from a
 * pluggable `TokenProvider` — by default the emulator's own token service.
 */
export const ARM_RESOURCE = 'https://management.azure.com';
export const DATA_PLANE_RESOURCE = 'https://dynamicsessions.io';

/** A bearer token for `resource`, or undefined to send none. */
export type TokenProvider = (resource: string) => Promise<string | undefined>;

export interface ConnectOptions {
  dataDir?: string;
  endpoint?: string;
  ca?: string;
  /** A fixed token (`--token`, `$SESSIONITE_TOKEN`) used for every request. */
  token?: string;
  clientId?: string;
  clientSecret?: string;
  /** Replaces the token step entirely (tests; other identity providers). */
  tokenProvider?: TokenProvider;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
}

/** An error answered by the emulator, in Azure's format; the CLI prints it and exits 1. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly details: readonly { code?: string; message?: string; target?: string }[] = [],
  ) {
    super(message);
    this.name = 'ServiceError';
  }

  static from(response: HttpResponse): ServiceError {
    const error = (response.json as { error?: Record<string, unknown> } | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : `Http${response.status}`;
    const message = typeof error?.message === 'string' ? error.message : response.text.trim() || `HTTP ${response.status}`;
    const target = typeof error?.target === 'string' ? error.target : undefined;
    const details = Array.isArray(error?.details) ? (error.details as ServiceError['details']) : [];
    return new ServiceError(response.status, code, message, target, details);
  }
}

export class EmulatorClient {
  private constructor(
    readonly origin: string,
    private readonly ca: string | undefined,
    private readonly tokens: TokenProvider,
  ) {}

  static async connect(options: ConnectOptions): Promise<EmulatorClient> {
    const running = await findRunningEmulator({ dataDir: options.dataDir, endpoint: options.endpoint, ca: options.ca });
    const ca = running.ca ? await readFile(running.ca, 'utf8') : undefined;
    const tokens =
      options.tokenProvider ??
      (options.token !== undefined
        ? async () => options.token
        : emulatorTokenProvider(running.https, running.record?.tenantId, ca, options));
    return new EmulatorClient(running.https, ca, tokens);
  }

  /** Any request to the emulator; `url` is absolute or a path on its origin. */
  async send(method: string, url: string, options: { body?: unknown; resource?: string } = {}): Promise<HttpResponse> {
    const target = new URL(url, this.origin);
    const token = await this.tokens(options.resource ?? ARM_RESOURCE);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    return sendRequest(target, method, headers, payload, this.ca);
  }

  /** An ARM call; an error answer becomes a ServiceError. */
  async arm(method: string, path: string, body?: unknown): Promise<HttpResponse> {
    const url = new URL(path, this.origin);
    url.searchParams.set('api-version', DEFAULT_API_VERSION);
    const response = await this.send(method, url.toString(), { body });
    if (response.status >= 400) throw ServiceError.from(response);
    return response;
  }

  /**
   * Follows a long-running operation to its end (`Azure-AsyncOperation`, else `Location`), honouring
   * `Retry-After`. A failed or canceled operation becomes a ServiceError with the operation's error.
   */
  async waitFor(response: HttpResponse, timeoutMs = 15 * 60_000): Promise<void> {
    const statusUrl = header(response, 'azure-asyncoperation');
    const resultUrl = header(response, 'location');
    const url = statusUrl ?? resultUrl;
    if (!url) return;
    const deadline = Date.now() + timeoutMs;
    let last = response;
    for (;;) {
      await sleep(retryAfterMs(last));
      last = await this.send('GET', url);
      if (last.status >= 400) throw ServiceError.from(last);
      if (statusUrl) {
        const raw = (last.json as { status?: unknown } | undefined)?.status;
        const status = typeof raw === 'string' ? raw.toLowerCase() : '';
        if (status === 'succeeded') return;
        if (status === 'failed' || status === 'canceled') throw ServiceError.from(last);
      } else if (last.status !== 202) {
        return;
      }
      if (Date.now() > deadline) throw new ServiceError(0, 'OperationTimedOut', `the operation did not finish: ${url}`);
    }
  }
}

/** Client credentials against the emulator's own token service, one token per audience and run. */
function emulatorTokenProvider(
  origin: string,
  tenantId: string | undefined,
  ca: string | undefined,
  options: ConnectOptions,
): TokenProvider {
  const cache = new Map<string, Promise<string | undefined>>();
  const fetchToken = async (resource: string): Promise<string | undefined> => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: options.clientId ?? 'sessionite-cli',
      client_secret: options.clientSecret ?? 'sessionite-cli-secret',
      scope: `${resource}/.default`,
    }).toString();
    const url = new URL(`${origin}/${encodeURIComponent(tenantId ?? 'common')}/oauth2/v2.0/token`);
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const response = await sendRequest(url, 'POST', headers, form, ca);
    const body = (response.json ?? {}) as Record<string, unknown>;
    const status = response.status;
    if (status === 200 && typeof body.access_token === 'string') return body.access_token;
    const reason = [body.error_description, body.error].find((value) => typeof value === 'string') ?? `HTTP ${status}`;
    throw new Error(`the emulator's token service refused a token: ${String(reason)}`);
  };
  return (resource) => {
    let token = cache.get(resource);
    if (!token) {
      token = fetchToken(resource);
      cache.set(resource, token);
    }
    return token;
  };
}

function sendRequest(
  url: URL,
  method: string,
  headers: Record<string, string>,
  payload: string | undefined,
  ca: string | undefined,
): Promise<HttpResponse> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.origin} within 60 s`)));
    req.on('error', (error) => reject(new Error(`cannot reach the emulator at ${url.origin}: ${error.message}`)));
    req.end(payload);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `Retry-After` in seconds, kept between 0.1 and 5 s. */
function retryAfterMs(response: HttpResponse): number {
  const seconds = Number(header(response, 'retry-after') ?? '1');
  return Math.min(Math.max(Number.isFinite(seconds) ? seconds * 1000 : 1000, 100), 5000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
