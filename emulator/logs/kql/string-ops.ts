import type { StringOp } from './ast.js';
import type { Compiled, Fn } from './values.js';
import { toKqlString } from './values.js';

type Matcher = (s: string) => boolean;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const TERM_CHAR = /[\p{L}\p{N}]/u;

/**
 * `has`: the needle must match whole terms, a term being a maximal run of letters and digits
 * (Kusto's definition). Boundaries are only required where the needle itself starts or ends with
 * a term character, so `has "-c1db"` still matches inside a GUID.
 */
function termPattern(needle: string): string {
  const before = TERM_CHAR.test(needle.charAt(0)) ? '(?<![\\p{L}\\p{N}])' : '';
  const after = TERM_CHAR.test(needle.charAt(needle.length - 1)) ? '(?![\\p{L}\\p{N}])' : '';
  return `${before}${escapeRegExp(needle)}${after}`;
}

function regexMatcher(pattern: string, caseSensitive: boolean): Matcher {
  const re = new RegExp(pattern, caseSensitive ? 'u' : 'iu');
  return (s) => re.test(s);
}

/** Builds the test for one needle; case-insensitive forms use a precompiled `iu` RegExp (no per-row lowercasing). */
function makeMatcher(op: string, needle: string): Matcher {
  const quoted = escapeRegExp(needle);
  switch (op) {
    case '=~':
      return regexMatcher(`^${quoted}$`, false);
    case 'has':
      return regexMatcher(termPattern(needle), false);
    case 'has_cs':
      return regexMatcher(termPattern(needle), true);
    case 'contains':
      return regexMatcher(quoted, false);
    case 'contains_cs':
      return (s) => s.includes(needle);
    case 'startswith':
      return regexMatcher(`^${quoted}`, false);
    case 'startswith_cs':
      return (s) => s.startsWith(needle);
    case 'endswith':
      return regexMatcher(`${quoted}$`, false);
    default:
      return (s) => s.endsWith(needle);
  }
}

function asString(c: Compiled): Fn {
  if (c.type === 'string') return c.fn;
  const { fn, type } = c;
  return (row) => toKqlString(fn(row), type);
}

/** Non-string operands are converted with tostring(), as Kusto does for string operators. */
export function compileStringOp(op: StringOp, l: Compiled, r: Compiled): Fn {
  const negated = op.startsWith('!') && op !== '!~';
  const base = op === '!~' ? '=~' : negated ? op.slice(1) : op;
  const flip = negated || op === '!~';
  const left = asString(l) as (row: Parameters<Fn>[0]) => string;
  const right = asString(r) as (row: Parameters<Fn>[0]) => string;
  if (r.constant) {
    const matches = makeMatcher(base, right({}));
    return flip ? (row) => !matches(left(row)) : (row) => matches(left(row));
  }
  // A needle taken from a column: rebuild the matcher only when the needle changes.
  let lastNeedle: string | undefined;
  let matches: Matcher = () => false;
  return (row) => {
    const needle = right(row);
    if (needle !== lastNeedle) {
      lastNeedle = needle;
      matches = makeMatcher(base, needle);
    }
    return matches(left(row)) !== flip;
  };
}
