import type { ExchangeRecord, HeaderMap } from './types.js';

/**
 * curl commands and `.http` files (VS Code REST Client / JetBrains HTTP Client). Both point at the
 * running emulator (its port may differ from the recording's) and carry no credential: a redacted
 * Authorization header becomes a variable the user fills with `sessionite token`.
 */
export interface ExportTarget {
  http: string;
  https?: string;
  /** CA for curl's --cacert when exporting HTTPS exchanges. */
  caPath?: string;
}

/** Set by curl or the client from the URL and body, or credentials that were never stored. */
const SKIPPED = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'expect', 'authorization']);

function base(record: ExchangeRecord, target: ExportTarget): string {
  return record.scheme === 'https' && target.https ? target.https : target.http;
}

function pathAndQuery(record: ExchangeRecord): string {
  return `${record.path}${record.query ? `?${record.query}` : ''}`;
}

function headerLines(record: ExchangeRecord): [string, string][] {
  const out: [string, string][] = [];
  const headers: HeaderMap = record.requestHeaders;
  for (const [name, value] of Object.entries(headers)) {
    if (SKIPPED.has(name)) continue;
    // A decoded body is exported decoded: its content-encoding no longer applies.
    if (name === 'content-encoding' && record.requestBody.decoded) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, v]);
  }
  return out;
}

function title(record: ExchangeRecord): string {
  const where = [record.pool && `pool ${record.pool}`, record.identifier && `identifier ${record.identifier}`].filter(Boolean).join(', ');
  return `#${record.id} ${record.method} ${record.target ?? record.path} → ${record.status || 'no response'}${where ? ` (${where})` : ''}`;
}

function bodyProblem(record: ExchangeRecord): string | undefined {
  const body = record.requestBody;
  if (body.omitted) return `request body not included: ${body.omitted}`;
  if (body.truncated) return `request body not included: only part of its ${body.size} bytes was stored`;
  return undefined;
}

/** POSIX shell single quotes: everything literal, a quote closes, escapes and reopens. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function toCurl(record: ExchangeRecord, target: ExportTarget): string {
  const lines = [`# ${title(record)}`];
  const problem = bodyProblem(record);
  if (problem) lines.push(`# ${problem}`);
  const args: string[] = ['curl -sS'];
  args.push(record.method === 'HEAD' ? '--head' : `-X ${record.method}`);
  args.push(shellQuote(base(record, target) + pathAndQuery(record)));
  if (record.scheme === 'https' && target.https && target.caPath) args.push(`--cacert ${shellQuote(target.caPath)}`);
  for (const [name, value] of headerLines(record)) args.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (record.requestHeaders.authorization !== undefined) args.push('-H "Authorization: Bearer ${SESSIONITE_TOKEN}"');
  const body = record.requestBody;
  let prefix = '';
  if (!problem && body.size > 0) {
    if (body.encoding === 'utf8') args.push(`--data-binary ${shellQuote(body.data)}`);
    else {
      prefix = `printf '%s' ${shellQuote(body.data)} | base64 -d | `;
      args.push('--data-binary @-');
    }
  }
  lines.push(prefix + args.join(' \\\n  '));
  return lines.join('\n');
}

export function toCurlScript(records: ExchangeRecord[], target: ExportTarget): string {
  const header = [
    '#!/bin/sh',
    `# ${records.length} request(s) exported by sessionite. Credentials and tokens were redacted when recorded.`,
    '# When the emulator checks tokens, set one first:',
    '#   export SESSIONITE_TOKEN="$(sessionite token --output tsv)"',
  ];
  return [header.join('\n'), ...records.map((r) => toCurl(r, target))].join('\n\n') + '\n';
}

export function toHttpFile(records: ExchangeRecord[], target: ExportTarget): string {
  const out = [
    `# ${records.length} request(s) exported by sessionite (VS Code REST Client / JetBrains HTTP Client).`,
    '# Credentials and tokens were redacted when recorded. Paste a token from `sessionite token --output tsv`:',
    '@token =',
    `@baseUrl = ${target.http}`,
    ...(target.https ? [`@httpsUrl = ${target.https}`] : []),
    '',
  ];
  for (const record of records) {
    const variable = record.scheme === 'https' && target.https ? '{{httpsUrl}}' : '{{baseUrl}}';
    out.push(`### ${title(record)}`);
    const problem = bodyProblem(record) ?? (record.requestBody.encoding === 'base64' && record.requestBody.size > 0 ? `binary request body (${record.requestBody.size} bytes) not included` : undefined);
    if (problem) out.push(`# ${problem}`);
    out.push(`${record.method} ${variable}${pathAndQuery(record)}`);
    for (const [name, value] of headerLines(record)) out.push(`${name}: ${value}`);
    if (record.requestHeaders.authorization !== undefined) out.push('Authorization: Bearer {{token}}');
    if (!problem && record.requestBody.size > 0) out.push('', record.requestBody.data);
    out.push('');
  }
  return out.join('\n');
}
