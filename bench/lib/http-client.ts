import { Agent, request, type IncomingHttpHeaders } from 'node:http';

/**
 * The orchestrator's own HTTP client for single, individually timed requests (allocation latency,
 * bursts, races, management calls). Sustained load comes from child processes (`bench/load/`).
 */

export interface TimedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** From just before the request is written to the last byte of the response body. */
  ms: number;
  body: string;
}

export interface RequestOptions {
  method?: string;
  body?: Buffer | string;
  agent?: Agent;
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Keep at most this many body bytes as text (the rest is read and dropped). */
  keepBody?: number;
}

/** A keep-alive agent: timed requests then measure the server, not TCP connects on the client side. */
export function keepAliveAgent(maxSockets = Infinity): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: Math.min(maxSockets, 256) });
}

export function timedRequest(url: string, options: RequestOptions = {}): Promise<TimedResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const started = performance.now();
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: options.method ?? 'GET',
        headers,
        agent: options.agent,
        signal: options.signal,
        timeout: options.timeoutMs ?? 120_000,
      },
      (res) => {
        const keep = options.keepBody ?? 64 * 1024;
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < keep) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        res.once('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            ms: performance.now() - started,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`no response from ${target.host} within ${options.timeoutMs ?? 120_000} ms`)));
    req.once('error', reject);
    req.end(options.body);
  });
}

export function header(response: TimedResponse, name: string): string {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

export async function getJson<T>(url: string, options: RequestOptions = {}): Promise<T> {
  const response = await timedRequest(url, { ...options, keepBody: 16 * 1024 * 1024 });
  try {
    return JSON.parse(response.body) as T;
  } catch {
    throw new Error(`GET ${url} answered ${response.status} with non-JSON: ${response.body.slice(0, 200)}`);
  }
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}
