import type { Content, Entry, Har, Header, PostData, QueryString } from 'har-format';
import { z } from 'zod';
import { parsePoolUrl } from '../http/pool-url.js';
import type { ReplaySource } from './replay-plan.js';
import type { ExchangeRecord, HeaderMap, StoredBody } from './types.js';

/** Emulator facts about an entry, kept under HAR's custom-field convention (a leading underscore). */
export interface SessioniteEntryFields {
  id: string;
  kind: string;
  pool?: string;
  identifier?: string;
  sessionId?: string;
  allocated?: boolean;
  cold?: boolean;
  errorCode?: string;
  replayOf?: string;
  redactions: string[];
  requestBody: { size: number; truncated: boolean; omitted?: string };
  responseBody: { size: number; truncated: boolean; omitted?: string };
  timing: ExchangeRecord['timing'];
}

export type SessioniteEntry = Entry & { _sessionite: SessioniteEntryFields };

function harHeaders(headers: HeaderMap): Header[] {
  return Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => ({ name, value: v })));
}

function queryString(query: string): QueryString[] {
  if (query === '') return [];
  return query.split('&').map((part) => {
    const eq = part.indexOf('=');
    const decode = (text: string): string => {
      try {
        return decodeURIComponent(text.replace(/\+/g, ' '));
      } catch {
        return text;
      }
    };
    return eq < 0 ? { name: decode(part), value: '' } : { name: decode(part.slice(0, eq)), value: decode(part.slice(eq + 1)) };
  });
}

function first(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function bodyNote(body: StoredBody): string | undefined {
  if (body.omitted) return `not stored: ${body.omitted}`;
  if (body.truncated) return `truncated: ${Buffer.byteLength(body.data, body.encoding === 'base64' ? 'base64' : 'utf8')} of ${body.size} bytes stored`;
  return undefined;
}

function postData(record: ExchangeRecord): (PostData & { _encoding?: 'base64' }) | undefined {
  const body = record.requestBody;
  if (body.size === 0) return undefined;
  const comment = bodyNote(body);
  return {
    mimeType: first(record.requestHeaders, 'content-type') ?? 'application/octet-stream',
    text: body.data,
    ...(body.encoding === 'base64' ? { _encoding: 'base64' as const } : {}),
    ...(comment ? { comment } : {}),
  };
}

function content(record: ExchangeRecord): Content {
  const body = record.responseBody;
  const comment = bodyNote(body);
  return {
    size: body.size,
    mimeType: first(record.responseHeaders, 'content-type') ?? 'application/octet-stream',
    ...(body.size > 0 ? { text: body.data } : {}),
    ...(body.encoding === 'base64' && body.size > 0 ? { encoding: 'base64' } : {}),
    ...(comment ? { comment } : {}),
  };
}

type Timings = { blocked: number; dns: number; connect: number; send: number; wait: number; receive: number; ssl: number };

/** HAR timings: allocation wait as `blocked`, the rest split at the response headers. */
function timings(record: ExchangeRecord): Timings {
  const t = record.timing;
  const blocked = t.waitMs ?? 0;
  const connect = t.connectMs ?? -1;
  const headers = t.headersMs ?? t.totalMs;
  const wait = Math.max(0, headers - blocked - Math.max(connect, 0));
  return { blocked, dns: -1, connect, send: 0, wait, receive: Math.max(0, t.totalMs - headers), ssl: -1 };
}

export function toHarEntry(record: ExchangeRecord): SessioniteEntry {
  const url = `${record.scheme}://${record.host || 'localhost'}${record.path}${record.query ? `?${record.query}` : ''}`;
  const time = timings(record);
  const data = postData(record);
  return {
    startedDateTime: record.time,
    time: time.blocked + Math.max(time.connect, 0) + time.send + time.wait + time.receive,
    request: {
      method: record.method,
      url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: harHeaders(record.requestHeaders),
      queryString: queryString(record.query),
      ...(data ? { postData: data } : {}),
      headersSize: -1,
      bodySize: record.requestBody.size,
    },
    response: {
      status: record.status,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: harHeaders(record.responseHeaders),
      content: content(record),
      redirectURL: first(record.responseHeaders, 'location') ?? '',
      headersSize: -1,
      bodySize: record.responseBody.size,
    },
    cache: {},
    timings: time,
    _sessionite: {
      id: record.id,
      kind: record.kind,
      pool: record.pool,
      identifier: record.identifier,
      sessionId: record.sessionId,
      allocated: record.allocated,
      cold: record.cold,
      errorCode: record.errorCode,
      replayOf: record.replayOf,
      redactions: record.redactions,
      requestBody: { size: record.requestBody.size, truncated: record.requestBody.truncated, omitted: record.requestBody.omitted },
      responseBody: { size: record.responseBody.size, truncated: record.responseBody.truncated, omitted: record.responseBody.omitted },
      timing: record.timing,
    },
  };
}

export function toHar(records: ExchangeRecord[], version: string): Har {
  return {
    log: {
      version: '1.2',
      creator: { name: 'sessionite', version },
      entries: records.map(toHarEntry),
      comment: 'Recorded by sessionite. Credentials, tokens and secret values were redacted at capture time ([REDACTED]).',
    },
  };
}

const harEntrySchema = z.object({
  request: z.object({
    method: z.string().min(1),
    url: z.string().min(1),
    headers: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
    postData: z
      .object({
        mimeType: z.string().optional(),
        text: z.string().optional(),
        params: z.array(z.object({ name: z.string(), value: z.string().optional() })).optional(),
        _encoding: z.string().optional(),
        encoding: z.string().optional(),
      })
      .optional(),
  }),
  _sessionite: z.object({ id: z.string() }).partial().optional(),
});

const harSchema = z.object({ log: z.object({ entries: z.array(z.unknown()) }) });

export type HarImportEntry = { source: ReplaySource; recordedId?: string } | { error: string };

function importBody(postData: z.infer<typeof harEntrySchema>['request']['postData']): StoredBody {
  if (!postData) return { size: 0, encoding: 'utf8', data: '', truncated: false };
  if (postData.text === undefined && postData.params) {
    const text = postData.params.map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(p.value ?? '')}`).join('&');
    return { size: Buffer.byteLength(text), encoding: 'utf8', data: text, truncated: false };
  }
  const base64 = postData._encoding === 'base64' || postData.encoding === 'base64';
  const data = postData.text ?? '';
  return { size: Buffer.byteLength(data, base64 ? 'base64' : 'utf8'), encoding: base64 ? 'base64' : 'utf8', data, truncated: false };
}

function importEntry(raw: unknown, index: number): HarImportEntry {
  const parsed = harEntrySchema.safeParse(raw);
  if (!parsed.success) return { error: `entry ${index}: not a HAR request (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  const { request } = parsed.data;
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { error: `entry ${index}: '${request.url}' is not an absolute URL` };
  }
  const pool = parsePoolUrl(url.pathname + url.search);
  if (!pool) return { error: `entry ${index}: ${url.pathname} is not a session pool endpoint` };
  const headers: HeaderMap = {};
  for (const { name, value } of request.headers) {
    // HTTP/2 pseudo-headers (`:authority` …) in browser HARs are not headers of an HTTP/1.1 request.
    if (name.startsWith(':')) continue;
    const lower = name.toLowerCase();
    const existing = headers[lower];
    headers[lower] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return {
    source: { imported: true, scheme: url.protocol === 'https:' ? 'https' : 'http', pool: pool.pool, prefix: '', target: pool.rest, query: pool.query, method: request.method, headers, body: importBody(request.postData) },
    ...(parsed.data._sessionite?.id ? { recordedId: parsed.data._sessionite.id } : {}),
  };
}

/** Reads a HAR document's requests; entries that cannot be replayed come back as errors, in place. */
export function readHar(document: unknown): { entries: HarImportEntry[] } | { error: string } {
  const parsed = harSchema.safeParse(document);
  if (!parsed.success) return { error: 'not a HAR document: expected {"log":{"entries":[…]}}' };
  return { entries: parsed.data.log.entries.map(importEntry) };
}
