import { request } from 'node:http';
import { API_PATH } from '../../emulator/admin/contract.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * A raw HTTP call with full control of Host, Origin and the other headers a browser would send
 * (fetch does not let a test forge `Host`).
 */
export function raw(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<RawResponse> {
  const url = new URL(path.startsWith('/_') ? path : API_PATH + path, base);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    host: url.host,
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: <T>() => JSON.parse(text) as T,
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface SseReader<T> {
  /** Every `data:` message so far, parsed. */
  readonly messages: T[];
  /** The response's content type, once its head arrived. */
  readonly contentType: Promise<string>;
  /** Resolves with the first message (seen or coming) that matches. */
  next(predicate: (message: T) => boolean): Promise<T>;
  close(): void;
}

/** Reads a server-sent-events route of the admin API as parsed `data:` messages. */
export function readSse<T>(base: string, path: string): SseReader<T> {
  const url = new URL(path.startsWith('/_') ? path : API_PATH + path, base);
  const messages: T[] = [];
  const waiters: { predicate: (message: T) => boolean; resolve: (message: T) => void }[] = [];
  let buffer = '';
  let setType: (type: string) => void = () => undefined;
  const contentType = new Promise<string>((resolve) => (setType = resolve));
  const req = request(url, { headers: { host: url.host } }, (res) => {
    setType(String(res.headers['content-type']));
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .find((line) => line.startsWith('data: '));
        buffer = buffer.slice(end + 2);
        if (!data) continue;
        const message = JSON.parse(data.slice(6)) as T;
        messages.push(message);
        for (const waiter of [...waiters]) {
          if (!waiter.predicate(message)) continue;
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return {
    messages,
    contentType,
    next(predicate) {
      const seen = messages.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    close: () => req.destroy(),
  };
}
