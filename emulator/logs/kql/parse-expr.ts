import { STRING_OPS, type BinaryOp, type Expr, type InOp } from './ast.js';
import type { Cursor } from './cursor.js';

const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '<>', '<', '<=', '>', '>=', '=~', '!~']);
const WORD_OPS: ReadonlySet<string> = new Set<string>(STRING_OPS);
const IN_OPS: ReadonlySet<string> = new Set(['in', '!in', 'in~', '!in~']);
const RESERVED: ReadonlySet<string> = new Set([
  'and',
  'or',
  'by',
  'between',
  '!between',
  ...IN_OPS,
  ...WORD_OPS,
]);

export const EXPRESSION_START =
  "a column name, a literal ('text', 42, 1.5, 1h, datetime(…), true), a function call or '('";
export const BINARY_OPERATORS =
  'and, or, ==, !=, <, <=, >, >=, =~, !~, has, contains, startswith, endswith (each also negated with ! and with _cs), in, !in, in~, between, +, -, *, /, %';

/** Precedence (loosest first): or, and, comparisons/string ops/in/between, + -, * / %, unary -. */
export function parseExpr(c: Cursor): Expr {
  let left = parseAnd(c);
  while (c.isIdent('or')) {
    const at = c.next().offset;
    left = { kind: 'binary', op: 'or', left, right: parseAnd(c), at };
  }
  return left;
}

function parseAnd(c: Cursor): Expr {
  let left = parseComparison(c);
  while (c.isIdent('and')) {
    const at = c.next().offset;
    left = { kind: 'binary', op: 'and', left, right: parseComparison(c), at };
  }
  return left;
}

function parseComparison(c: Cursor): Expr {
  let left = parseAdditive(c);
  for (;;) {
    const token = c.peek();
    const isComparison = token.kind === 'punct' && COMPARISONS.has(token.text);
    if (isComparison || (token.kind === 'ident' && WORD_OPS.has(token.text))) {
      c.next();
      const op = (token.text === '<>' ? '!=' : token.text) as BinaryOp;
      left = { kind: 'binary', op, left, right: parseAdditive(c), at: token.offset };
    } else if (token.kind === 'ident' && IN_OPS.has(token.text)) {
      c.next();
      left = { kind: 'in', op: token.text as InOp, left, items: parseInList(c), at: token.offset };
    } else if (token.kind === 'ident' && (token.text === 'between' || token.text === '!between')) {
      c.next();
      left = parseBetween(c, left, token.text === '!between', token.offset);
    } else if (token.kind === 'ident' && token.text.startsWith('!')) {
      throw c.error(token, `unknown operator '${token.text}'`, BINARY_OPERATORS);
    } else {
      return left;
    }
  }
}

function parseInList(c: Cursor): Expr[] {
  c.expect('(', "to open the list after 'in'");
  const items = [parseExpr(c)];
  while (c.accept(',')) items.push(parseExpr(c));
  c.expect(')', "or ',' in the 'in (…)' list");
  return items;
}

function parseBetween(c: Cursor, left: Expr, negated: boolean, at: number): Expr {
  c.expect('(', "after 'between', as in between (low .. high)");
  const low = parseAdditive(c);
  c.expect('..', 'between the bounds, as in between (low .. high)');
  const high = parseAdditive(c);
  c.expect(')', 'to close between (low .. high)');
  return { kind: 'between', negated, left, low, high, at };
}

function parseAdditive(c: Cursor): Expr {
  let left = parseMultiplicative(c);
  while (c.isPunct('+') || c.isPunct('-')) {
    const token = c.next();
    left = {
      kind: 'binary',
      op: token.text as BinaryOp,
      left,
      right: parseMultiplicative(c),
      at: token.offset,
    };
  }
  return left;
}

function parseMultiplicative(c: Cursor): Expr {
  let left = parseUnary(c);
  while (c.isPunct('*') || c.isPunct('/') || c.isPunct('%')) {
    const token = c.next();
    left = { kind: 'binary', op: token.text as BinaryOp, left, right: parseUnary(c), at: token.offset };
  }
  return left;
}

function parseUnary(c: Cursor): Expr {
  if (c.isPunct('-')) {
    const at = c.next().offset;
    return { kind: 'negate', operand: parseUnary(c), at };
  }
  if (c.isPunct('+')) c.next();
  return parsePrimary(c);
}

function parsePrimary(c: Cursor): Expr {
  const token = c.next();
  const at = token.offset;
  switch (token.kind) {
    case 'number':
      return { kind: 'literal', type: token.real === true ? 'real' : 'long', value: token.value, at };
    case 'string':
      return { kind: 'literal', type: 'string', value: token.value, at };
    case 'timespan':
      return { kind: 'literal', type: 'timespan', value: token.value, at };
    case 'datetime':
      return { kind: 'literal', type: 'datetime', value: token.value, at };
    case 'punct':
      if (token.text === '(') {
        const inner = parseExpr(c);
        c.expect(')', 'to close the parenthesis');
        return inner;
      }
      break;
    case 'ident':
      if (token.text === 'true' || token.text === 'false') {
        return { kind: 'literal', type: 'bool', value: token.text === 'true', at };
      }
      if (RESERVED.has(token.text) || token.text.startsWith('!')) break;
      if (c.isPunct('(')) return parseCall(c, token.text, at);
      return { kind: 'column', name: token.text, at };
    default:
      break;
  }
  throw c.unexpected(token, 'expected an expression', EXPRESSION_START);
}

function parseCall(c: Cursor, name: string, at: number): Expr {
  c.next();
  const args: Expr[] = [];
  if (!c.isPunct(')')) {
    args.push(parseExpr(c));
    while (c.accept(',')) args.push(parseExpr(c));
  }
  c.expect(')', `or ',' in the arguments of ${name}(…)`);
  return { kind: 'call', name, args, at };
}
