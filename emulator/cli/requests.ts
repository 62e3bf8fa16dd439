import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ExchangeRecord, RecorderState, ReplayBatchResponse, ReplayOptions, ReplayResult, RequestListResponse } from '../traffic/types.js';
import { connectRequests, type RequestsClient } from './requests-client.js';
import { formatList, formatRecord, formatReplay, formatState } from './requests-format.js';

export const REQUESTS_USAGE = `Usage: sessionite requests <command> [options]

  list      [--pool p] [--identifier id] [--kind data|management|token|arm|identity|other]
            [--status 2xx|4xx|5xx|error|<code>] [--method M] [--path text] [--since 15m|<ISO>]
            [--until <ISO>] [--slow <ms>] [--limit n] [--before <id>]
  show      <id>
  replay    <id>... [--new-identifier | --identifier X] [--pool p] [--method M] [--path /p]
            [--query q] [--header 'Name: value']... [--remove-header Name]... [--body text | --body-file f]
            [--stop-on-error]
  export    [<id>...] [--format har|curl|http] [--out file] [list filters]
  import    <file.har> [--new-identifier | --identifier X] [--pool p] [--stop-on-error]
  status | pause | resume | clear

Options for all: --output json|table (default json), --data-dir <dir> or --endpoint <url> [--ca <file>],
--token <admin token> (or $SESSIONITE_ADMIN_TOKEN; needed when the emulator listens beyond loopback).
`;

const COMMON = {
  output: { type: 'string', short: 'o', default: 'json' },
  'data-dir': { type: 'string' },
  endpoint: { type: 'string' },
  ca: { type: 'string' },
  token: { type: 'string' },
} as const;

const FILTERS = {
  pool: { type: 'string' },
  identifier: { type: 'string' },
  kind: { type: 'string' },
  status: { type: 'string' },
  method: { type: 'string' },
  path: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  slow: { type: 'string' },
  limit: { type: 'string' },
  before: { type: 'string' },
} as const;

const REPLAY = {
  'new-identifier': { type: 'boolean' },
  identifier: { type: 'string' },
  pool: { type: 'string' },
  method: { type: 'string' },
  path: { type: 'string' },
  query: { type: 'string' },
  header: { type: 'string', multiple: true },
  'remove-header': { type: 'string', multiple: true },
  body: { type: 'string' },
  'body-file': { type: 'string' },
  'stop-on-error': { type: 'boolean' },
} as const;

type Values = Record<string, string | boolean | string[] | undefined>;
type Out = (text: string) => void;

function filterQuery(values: Values): string {
  const names: Record<string, string> = { path: 'q', since: 'from', until: 'to' };
  const params = new URLSearchParams();
  for (const key of Object.keys(FILTERS)) {
    const value = values[key];
    if (typeof value === 'string') params.set(names[key] ?? key, value);
  }
  return params.toString();
}

async function replayOptions(values: Values): Promise<ReplayOptions> {
  const headers: Record<string, string | null> = {};
  for (const line of (values.header as string[] | undefined) ?? []) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`--header must be 'Name: value', got '${line}'`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  for (const name of (values['remove-header'] as string[] | undefined) ?? []) headers[name] = null;
  const options: ReplayOptions = {};
  if (values['new-identifier']) options.target = 'new';
  for (const key of ['identifier', 'pool', 'method', 'path', 'query', 'body'] as const) {
    const value = values[key];
    if (typeof value === 'string') options[key] = value;
  }
  if (typeof values['body-file'] === 'string') {
    options.body = (await readFile(values['body-file'])).toString('base64');
    options.bodyEncoding = 'base64';
  }
  if (Object.keys(headers).length) options.headers = headers;
  return options;
}

function print(out: Out, table: boolean, value: unknown, human: () => string): void {
  out(table ? human() : JSON.stringify(value, null, 2) + '\n');
}

async function replay(client: RequestsClient, ids: string[], values: Values, out: Out, table: boolean): Promise<boolean> {
  if (ids.length === 0) throw new Error('name the recorded request(s) to replay: sessionite requests replay <id>...');
  const options = await replayOptions(values);
  if (ids.length === 1) {
    const answer = await client.call('POST', `/${encodeURIComponent(ids[0] ?? '')}/replay`, options);
    const result = JSON.parse(answer.text) as ReplayResult & { error?: unknown };
    if (answer.status === 404 || answer.status === 400) throw new Error(String((result.error as { message?: string }).message ?? answer.text));
    print(out, table, result, () => formatReplay(result));
    return Boolean(result.replay);
  }
  const edits = Object.keys(options).filter((key) => key !== 'target' && key !== 'identifier');
  if (edits.length) throw new Error(`edits (${edits.join(', ')}) apply to one request; replay a sequence with --new-identifier or --identifier only`);
  const batch = await client.json<ReplayBatchResponse>('POST', '/replay', { ids, target: options.target, identifier: options.identifier, stopOnError: values['stop-on-error'] === true });
  print(out, table, batch, () => batch.results.map(formatReplay).join(''));
  return batch.results.every((r) => r.replay);
}

async function exportRecords(client: RequestsClient, ids: string[], values: Values, out: Out): Promise<void> {
  const format = typeof values.format === 'string' ? values.format : 'har';
  if (!['har', 'curl', 'http'].includes(format)) throw new Error('--format must be har, curl or http');
  const query = ids.length ? `ids=${ids.map(encodeURIComponent).join(',')}` : filterQuery(values);
  const answer = await client.call('GET', `/export?format=${format}${query ? `&${query}` : ''}`);
  if (answer.status >= 400) throw new Error(`export failed: ${answer.text}`);
  if (typeof values.out === 'string') await writeFile(values.out, answer.text);
  else out(answer.text.endsWith('\n') ? answer.text : answer.text + '\n');
}

async function importHar(client: RequestsClient, file: string | undefined, values: Values, out: Out, table: boolean): Promise<boolean> {
  if (!file) throw new Error('name the HAR file: sessionite requests import <file.har>');
  const har = JSON.parse(await readFile(file, 'utf8')) as unknown;
  const body = {
    har,
    ...(values['new-identifier'] ? { target: 'new' } : {}),
    ...(typeof values.identifier === 'string' ? { identifier: values.identifier } : {}),
    ...(typeof values.pool === 'string' ? { pool: values.pool } : {}),
    stopOnError: values['stop-on-error'] === true,
  };
  const batch = await client.json<ReplayBatchResponse>('POST', '/import', body);
  print(out, table, batch, () => batch.results.map(formatReplay).join(''));
  return batch.results.every((r) => r.replay);
}

/**
 * `sessionite requests …`: list, show, replay, export and import recorded exchanges of the running
 * emulator through its requests API. Exits 1 when a replay could not be sent.
 */
export async function requestsCommand(argv: string[], out: Out = (text) => process.stdout.write(text)): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    out(REQUESTS_USAGE);
    return;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: { ...COMMON, ...FILTERS, ...REPLAY, format: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.output !== 'json' && values.output !== 'table') throw new Error("--output must be 'json' or 'table'");
  const table = values.output === 'table';
  const client = await connectRequests({ dataDir: values['data-dir'], endpoint: values.endpoint, ca: values.ca, token: values.token });
  let ok = true;
  switch (sub) {
    case 'list': {
      const query = filterQuery(values);
      const list = await client.json<RequestListResponse>('GET', `/${query ? `?${query}` : ''}`);
      print(out, table, list, () => formatList(list.items, list.total, list.nextBefore));
      break;
    }
    case 'show': {
      if (!positionals[0]) throw new Error('name the recorded request: sessionite requests show <id>');
      const record = await client.json<ExchangeRecord>('GET', `/${encodeURIComponent(positionals[0])}`);
      print(out, table, record, () => formatRecord(record));
      break;
    }
    case 'replay':
      ok = await replay(client, positionals, values, out, table);
      break;
    case 'export':
      await exportRecords(client, positionals, values, out);
      break;
    case 'import':
      ok = await importHar(client, positionals[0], values, out, table);
      break;
    case 'status':
    case 'pause':
    case 'resume':
    case 'clear': {
      const [method, path] = ({ status: ['GET', '/state'], pause: ['POST', '/pause'], resume: ['POST', '/resume'], clear: ['DELETE', '/'] } as const)[sub];
      const state = await client.json<RecorderState>(method, path);
      print(out, table, state, () => formatState(state));
      break;
    }
    default:
      throw new Error(`unknown requests command '${sub}'\n\n${REQUESTS_USAGE}`);
  }
  if (!ok) process.exitCode = 1;
}
