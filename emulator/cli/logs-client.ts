import { readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { resolve } from 'node:path';
import { API_PATH, TOKEN_HEADER } from '../admin/contract.js';
import { isLiveElsewhere, readInstanceFile } from '../host/instance-file.js';
import { defaultDataDir } from './data-dir.js';

/** Where the CLI reaches the admin API: the emulator's base URL, its token and CA when needed. */
export interface AdminTarget {
  base: string;
  token?: string;
  ca?: string;
}

/**
 * `--endpoint <url>` (the emulator's base URL, http or https) wins; otherwise the data folder's
 * emulator.json names the running emulator's HTTP address. The admin token (needed only when the
 * emulator listens beyond loopback) comes from `--token` or `SESSIONITE_ADMIN_TOKEN`.
 */
export async function findAdminApi(opts: {
  dataDir?: string;
  endpoint?: string;
  token?: string;
  ca?: string;
}): Promise<AdminTarget> {
  const token = opts.token ?? (process.env.SESSIONITE_ADMIN_TOKEN || undefined);
  const ca = opts.ca ? await readFile(opts.ca, 'utf8') : undefined;
  if (opts.endpoint) return { base: opts.endpoint.replace(/\/$/, '') + API_PATH, token, ca };
  const dataDir = resolve(opts.dataDir ?? defaultDataDir());
  const record = await readInstanceFile(dataDir);
  if (!record || !(isLiveElsewhere(record) || record.pid === process.pid) || !record.http) {
    throw new Error(
      `no running emulator uses the data folder ${dataDir}; start one with 'sessionite start' or pass --endpoint`,
    );
  }
  return { base: record.http + API_PATH, token, ca };
}

function open(target: AdminTarget, path: string, method: string, body?: string): Promise<IncomingMessage> {
  const url = new URL(target.base + path);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
  if (target.token) headers[TOKEN_HEADER] = target.token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((done, fail) => {
    const req = request(url, { method, headers, ...(target.ca ? { ca: target.ca } : {}) }, done);
    req.on('error', (error) =>
      fail(new Error(`the emulator at ${url.origin} did not answer: ${error.message}`)),
    );
    req.end(body);
  });
}

/** Sends a JSON request; resolves with the status and parsed body. */
export async function adminJson(
  target: AdminTarget,
  path: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await open(target, path, method, body === undefined ? undefined : JSON.stringify(body));
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return { status: res.statusCode ?? 0, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  } catch {
    throw new Error(`unexpected answer from the emulator (status ${res.statusCode}): ${text.slice(0, 200)}`);
  }
}

/** Reads a server-sent event stream, calling `onData` with each message's data, until it ends. */
export async function adminEvents(
  target: AdminTarget,
  path: string,
  onData: (data: string) => void,
): Promise<void> {
  const res = await open(target, path, 'GET');
  if (res.statusCode !== 200) {
    const { body } = await collectJson(res);
    throw new Error(errorMessage(body) ?? `the emulator answered ${res.statusCode}`);
  }
  res.setEncoding('utf8');
  let buffer = '';
  for await (const chunk of res) {
    buffer += chunk as string;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const data = buffer
        .slice(0, end)
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      if (data) onData(data);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
    }
  }
}

async function collectJson(res: IncomingMessage): Promise<{ body: unknown }> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  try {
    return { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    return { body: undefined };
  }
}

/** The message of an admin or Log Analytics error body, if it is one. */
export function errorMessage(body: unknown): string | undefined {
  const error = (body as { error?: { message?: unknown } } | undefined)?.error;
  return typeof error?.message === 'string' ? error.message : undefined;
}
