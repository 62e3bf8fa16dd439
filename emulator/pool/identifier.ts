import { Errors, type ApiError } from '../errors.js';

/**
 * Session identifiers as the data-plane spec accepts them: 4–128 characters of letters, digits and
 * `| - & ^ % $ # ( ) { } [ ] ; < >` (the documented set) plus `_ : " ' ? / . , @ * + = ! ~` and
 * backtick (the wider set the data-plane spec allows). Anything else — spaces, control characters,
 * non-ASCII — is rejected.
 */
const ALLOWED = /^[A-Za-z0-9|\-&^%$#(){}[\];<>_:"'?/.,@*+=!~`]+$/;
export const MIN_IDENTIFIER_LENGTH = 4;
export const MAX_IDENTIFIER_LENGTH = 128;

export function validateIdentifier(value: string): ApiError | undefined {
  if (value.length < MIN_IDENTIFIER_LENGTH || value.length > MAX_IDENTIFIER_LENGTH) {
    return Errors.invalidIdentifier(
      `it must be ${MIN_IDENTIFIER_LENGTH} to ${MAX_IDENTIFIER_LENGTH} characters long (got ${value.length}).`,
    );
  }
  if (!ALLOWED.test(value)) {
    return Errors.invalidIdentifier(
      'only letters, digits and | - & ^ % $ # ( ) { } [ ] ; < > _ : " \' ? / . , @ * + = ! ~ ` are allowed.',
    );
  }
  return undefined;
}

/**
 * Reads `identifier` from a raw query string. Clients send it percent-encoded or raw, so `+` stays a
 * plus (it is an allowed character, not a space) and a `%` that does not start a valid escape is
 * taken literally rather than failing the request.
 */
export function identifierFromQuery(rawQuery: string): string | undefined {
  for (const part of rawQuery.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key.toLowerCase() !== 'identifier') continue;
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    if (!raw.includes('%')) return raw;
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/** Reads, then validates, the identifier; the error names the rule that failed. */
export function requireIdentifier(rawQuery: string): { identifier: string } | { error: ApiError } {
  const identifier = identifierFromQuery(rawQuery);
  if (identifier === undefined || identifier === '') return { error: Errors.missingIdentifier() };
  const error = validateIdentifier(identifier);
  return error ? { error } : { identifier };
}
