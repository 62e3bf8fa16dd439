import type { ExchangeKind } from './annotations.js';
import { REDACTED, type HeaderMap } from './types.js';

/**
 * Redaction at capture time. Security decisions:
 *  - Secrets are removed before anything reaches the store or a listener; nothing is "hidden in the
 *    UI". A record on disk, an export and an SSE announcement never carry them.
 *  - Names are matched case-insensitively for headers and form fields (HTTP and OAuth are), exactly
 *    for JSON keys (JSON is case-sensitive; both spellings in use are listed).
 *  - Anything shaped like a JWT (`eyJ…` header, two more base64url parts) is replaced wherever it
 *    appears: header values, path, query, bodies — a token echoed by a session is still a token.
 *  - Over-redaction is accepted (a replay then sends `[REDACTED]`, and says so); under-redaction is not.
 */

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-identity-header',
  // The older App Service managed-identity protocol's name for the same secret.
  'secret',
  // The admin API's token: never recorded (admin routes are not tapped), listed in case a client sends it elsewhere.
  'x-sessionite-token',
]);

/** OAuth/Entra form fields. `code` only on token exchanges: data-plane apps send code as data. */
const SECRET_FORM_FIELDS = new Set(['client_secret', 'client_assertion', 'assertion', 'password', 'refresh_token']);
const TOKEN_ONLY_FORM_FIELDS = new Set(['code']);
/** Token-bearing names, also refused in query strings (some clients pass `access_token=` there). */
const SECRET_QUERY_FIELDS = new Set(['access_token', 'id_token', 'refresh_token', 'client_secret', 'client_assertion']);

const SECRET_JSON_KEYS = new Set([
  'access_token',
  'id_token',
  'refresh_token',
  'accessToken',
  'idToken',
  'refreshToken',
  'client_secret',
  'clientSecret',
  'client_assertion',
]);

/** A compact JWS/JWT: base64url of `{"…` then two more base64url parts (the signature may be empty). */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
/** A JWT cut by the body cap: header and part of the payload at the very end of the stored text. */
const JWT_TAIL = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*$/;

export type Redactions = Set<string>;

export function redactJwts(text: string, found: Redactions): string {
  if (!text.includes('eyJ')) return text;
  JWT.lastIndex = 0;
  if (!JWT.test(text)) return text;
  found.add('jwt');
  JWT.lastIndex = 0;
  return text.replace(JWT, REDACTED);
}

/** For stored prefixes: a token split by the cap is still most of a token. */
export function redactJwtTail(text: string, found: Redactions): string {
  if (!JWT_TAIL.test(text)) return text;
  found.add('jwt');
  return text.replace(JWT_TAIL, REDACTED);
}

function redactHeaderValue(name: string, value: string, found: Redactions): string {
  if (SECRET_HEADERS.has(name)) {
    found.add(`header:${name}`);
    // Keep the scheme word (Bearer, Basic …): it tells what kind of credential was sent.
    const scheme = /^([A-Za-z][A-Za-z0-9_-]*) +\S/.exec(value);
    return name.endsWith('authorization') && scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
  }
  return redactJwts(value, found);
}

function scalar(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** Lower-cases names; secret headers keep only their scheme; JWTs are removed from every value. */
export function redactHeaders(headers: Record<string, unknown>, found: Redactions): HeaderMap {
  const out: HeaderMap = {};
  for (const rawName in headers) {
    const value = headers[rawName];
    if (value === undefined || value === null) continue;
    const name = rawName.toLowerCase();
    out[name] = Array.isArray(value)
      ? value.map((v) => redactHeaderValue(name, scalar(v), found))
      : redactHeaderValue(name, scalar(value), found);
  }
  return out;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}

/**
 * Replaces the values of secret fields in `a=1&b=2` text without re-encoding the rest, so a replay
 * sends the other fields byte for byte.
 */
function redactPairs(text: string, secret: (name: string) => boolean, where: string, found: Redactions): string {
  if (text === '') return text;
  let changed = false;
  const parts = text.split('&').map((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) return part;
    const name = decodeName(part.slice(0, eq));
    if (!secret(name)) return part;
    changed = true;
    found.add(`${where}:${name}`);
    return `${part.slice(0, eq + 1)}${REDACTED}`;
  });
  return changed ? parts.join('&') : text;
}

const isTokenKind = (kind: ExchangeKind): boolean => kind === 'token' || kind === 'identity';

export function redactQuery(query: string, kind: ExchangeKind, found: Redactions): string {
  const secret = (name: string): boolean =>
    SECRET_QUERY_FIELDS.has(name) || (isTokenKind(kind) && (SECRET_FORM_FIELDS.has(name) || TOKEN_ONLY_FORM_FIELDS.has(name)));
  return redactJwts(redactPairs(query, secret, 'query', found), found);
}

export function redactForm(text: string, kind: ExchangeKind, found: Redactions): string {
  const secret = (name: string): boolean =>
    SECRET_FORM_FIELDS.has(name) || SECRET_QUERY_FIELDS.has(name) || (isTokenKind(kind) && TOKEN_ONLY_FORM_FIELDS.has(name));
  return redactPairs(text, secret, 'body:form', found);
}

function isSecretKey(key: string): boolean {
  // Registry and other passwords (`password`, `registryPassword` …); `passwordSecretRef` names a secret, it is not one.
  // Credential header names as keys: sessions that echo or log their request headers in JSON.
  return SECRET_JSON_KEYS.has(key) || /password$/i.test(key) || SECRET_HEADERS.has(key.toLowerCase());
}

/** JSON carried inside a JSON string (an echo of a request body, a log line): checked too, a few levels deep. */
function nestedJson(value: string, depth: number): unknown {
  if (depth > 3) return undefined;
  const trimmed = value.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function secretLeaf(key: string, value: unknown, inSecrets: boolean): value is string | number {
  return (isSecretKey(key) || (inSecrets && key === 'value')) && (typeof value === 'string' || typeof value === 'number') && value !== REDACTED;
}

/** Walks parsed JSON; collects the secret leaf values (ARM `secrets[].value` included). */
function collectSecrets(node: unknown, found: Redactions, out: unknown[], inSecrets = false, depth = 0): void {
  if (Array.isArray(node)) {
    for (const item of node) collectSecrets(item, found, out, inSecrets, depth);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    if (secretLeaf(key, value, inSecrets)) {
      found.add(`body:json:${inSecrets && key === 'value' ? 'secrets[].value' : key}`);
      out.push(value);
    } else if (typeof value === 'string') {
      const nested = nestedJson(value, depth + 1);
      if (nested !== undefined) collectSecrets(nested, found, out, false, depth + 1);
    } else {
      collectSecrets(value, found, out, key.toLowerCase() === 'secrets' && Array.isArray(value), depth);
    }
  }
}

function replaceSecretLeaves(node: unknown, inSecrets = false, depth = 0): unknown {
  if (Array.isArray(node)) return node.map((item) => replaceSecretLeaves(item, inSecrets, depth));
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (secretLeaf(key, value, inSecrets)) out[key] = REDACTED;
    else if (typeof value === 'string') {
      const nested = nestedJson(value, depth + 1);
      out[key] = nested === undefined ? value : JSON.stringify(replaceSecretLeaves(nested, false, depth + 1));
    } else out[key] = replaceSecretLeaves(value, key.toLowerCase() === 'secrets' && Array.isArray(value), depth);
  }
  return out;
}

function holdsSecrets(text: string): boolean {
  try {
    const again: unknown[] = [];
    collectSecrets(JSON.parse(text), new Set(), again);
    return again.length > 0;
  } catch {
    return true;
  }
}

/** `"key": "value"` pairs in JSON text that could not be parsed (a stored prefix of a large body). */
const JSON_PAIR = /"([A-Za-z_-]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;

function redactJsonLoosely(text: string, kind: ExchangeKind, found: Redactions): string {
  return text.replace(JSON_PAIR, (whole, key: string, colon: string) => {
    // In an unparsable ARM body every `value` is taken for a secret value: structure is unknown.
    if (!isSecretKey(key) && !(kind === 'arm' && key === 'value')) return whole;
    found.add(`body:json:${key}`);
    return `"${key}"${colon}"${REDACTED}"`;
  });
}

/** Every secret JSON key contains one of these (case-insensitively); a body without any is left as it is. */
const SECRET_KEY_HINT = /token|secret|assertion|password|authorization|cookie|identity-header|"secrets?"/i;

/** Secrets shorter than this are not replaced as raw text (too likely to match something else). */
const MIN_TEXT_SECRET = 8;

/**
 * JSON bodies keep their formatting: each secret is replaced where its text occurs (also inside JSON
 * nested in strings). If the result still holds a secret (a short one, an escaped one, a number), the
 * document is re-serialized with every secret leaf replaced.
 */
export function redactJson(text: string, kind: ExchangeKind, found: Redactions): string {
  // Most bodies name no secret at all: one scan instead of a parse.
  if (!SECRET_KEY_HINT.test(text) && !(kind === 'arm' && text.includes('"value"'))) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return redactJsonLoosely(text, kind, found);
  }
  const secrets: unknown[] = [];
  collectSecrets(parsed, found, secrets);
  if (secrets.length === 0) return text;
  let out = text;
  for (const secret of secrets) {
    if (typeof secret === 'string' && secret.length >= MIN_TEXT_SECRET) out = out.split(secret).join(REDACTED);
  }
  return holdsSecrets(out) ? JSON.stringify(replaceSecretLeaves(parsed)) : out;
}

export function isJsonType(contentType: string): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType) || /^text\/json\b/i.test(contentType);
}

export function isFormType(contentType: string): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(contentType);
}

/** A text body: form fields and JSON keys by content type (or by shape), then JWTs anywhere. */
export function redactBodyText(text: string, contentType: string, kind: ExchangeKind, found: Redactions): string {
  let out = text;
  const trimmed = text.trimStart();
  if (isFormType(contentType)) out = redactForm(out, kind, found);
  else if (isJsonType(contentType) || trimmed.startsWith('{') || trimmed.startsWith('[')) out = redactJson(out, kind, found);
  return redactJwts(out, found);
}
