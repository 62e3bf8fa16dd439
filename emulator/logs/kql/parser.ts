import type { NamedExpr, Operator, Query, SortKey } from './ast.js';
import { Cursor } from './cursor.js';
import type { KqlError } from './errors.js';
import { tokenize, type Token } from './lexer.js';
import { BINARY_OPERATORS, parseExpr } from './parse-expr.js';

export const SUPPORTED_OPERATORS =
  'where, project, extend, order by, sort by, take, limit, top, count, summarize, distinct';

/** Parses a query (`Table | op | op …`); throws KqlError pointing at the first problem. */
export function parseQuery(text: string): Query {
  const c = new Cursor(text, tokenize(text));
  const first = c.next();
  if (first.kind !== 'ident' || first.text.startsWith('!')) {
    throw c.unexpected(first, 'expected a table name such as AppEnvSessionConsoleLogs_CL');
  }
  const operators: Operator[] = [];
  while (c.accept('|')) {
    const op = parseOperator(c);
    operators.push(op);
    if (!c.isPunct('|')) checkEnd(c, op);
  }
  if (operators.length === 0) checkEnd(c, undefined);
  return { text, table: { name: first.text, at: first.offset }, operators };
}

/** After an operator only `|`, an optional `;` and the end may follow. */
function checkEnd(c: Cursor, op: Operator | undefined): void {
  c.accept(';');
  const token = c.peek();
  if (token.kind === 'eof') return;
  throw afterOperatorError(c, token, op);
}

function afterOperatorError(c: Cursor, token: Token, op: Operator | undefined): KqlError {
  const found = `unexpected '${token.text}'`;
  if (op === undefined)
    return c.error(token, `${found} after the table name`, "'|' followed by an operator", 'expected');
  switch (op.kind) {
    case 'where':
      return c.error(
        token,
        `${found} in the where condition`,
        `${BINARY_OPERATORS}, '|' or end of query`,
        'expected',
      );
    case 'summarize':
      return op.by.length === 0
        ? c.error(
            token,
            `${found} after the aggregations (missing 'by'?)`,
            "',', 'by', '|' or end of query",
            'expected',
          )
        : c.error(token, `${found} after the summarize keys`, "',', '|' or end of query", 'expected');
    case 'take':
    case 'count':
      return c.error(
        token,
        `${found} after '${c.text.slice(op.at, token.offset).trim()}'`,
        "'|' or end of query",
        'expected',
      );
    default:
      return c.error(token, `${found} after the ${op.kind} operator`, "',', '|' or end of query", 'expected');
  }
}

function parseOperator(c: Cursor): Operator {
  const token = c.next();
  const at = token.offset;
  if (token.kind === 'eof') throw c.error(token, "expected an operator after '|'", SUPPORTED_OPERATORS);
  switch (token.kind === 'ident' ? token.text : '') {
    case 'where':
    case 'filter':
      return { kind: 'where', predicate: parseExpr(c), at };
    case 'project':
      return { kind: 'project', items: parseNamedList(c), at };
    case 'extend':
      return { kind: 'extend', items: parseNamedList(c), at };
    case 'order':
    case 'sort':
      c.expect('by', `after '${token.text}'`);
      return { kind: 'sort', keys: parseSortKeys(c), at };
    case 'take':
    case 'limit':
      return { kind: 'take', count: parseRowCount(c, token.text), at };
    case 'top':
      return parseTop(c, at);
    case 'count':
      return { kind: 'count', at };
    case 'summarize':
      return parseSummarize(c, at);
    case 'distinct':
      return { kind: 'distinct', columns: c.accept('*') ? '*' : parseNamedList(c), at };
    default:
      throw c.error(token, `unknown operator '${token.text}'`, SUPPORTED_OPERATORS);
  }
}

function parseNamed(c: Cursor): NamedExpr {
  const token = c.peek();
  if (token.kind === 'ident' && c.isPunct('=', 1)) {
    c.next();
    c.next();
    return { name: token.text, expr: parseExpr(c), at: token.offset };
  }
  return { expr: parseExpr(c), at: token.offset };
}

function parseNamedList(c: Cursor): NamedExpr[] {
  const items = [parseNamed(c)];
  while (c.accept(',')) items.push(parseNamed(c));
  return items;
}

function parseSortKey(c: Cursor): SortKey {
  const expr = parseExpr(c);
  let descending = true;
  if (c.accept('asc')) descending = false;
  else c.accept('desc');
  // Kusto's defaults: nulls last when descending, first when ascending.
  let nullsFirst = !descending;
  if (c.accept('nulls')) {
    if (c.accept('first')) nullsFirst = true;
    else if (c.accept('last')) nullsFirst = false;
    else throw c.unexpected(c.peek(), "expected 'first' or 'last' after 'nulls'");
  }
  return { expr, descending, nullsFirst };
}

function parseSortKeys(c: Cursor): SortKey[] {
  const keys = [parseSortKey(c)];
  while (c.accept(',')) keys.push(parseSortKey(c));
  return keys;
}

function parseRowCount(c: Cursor, keyword: string): number {
  const token = c.next();
  if (token.kind !== 'number' || token.real === true || typeof token.value !== 'number') {
    throw c.unexpected(token, `expected a row count (a whole number) after '${keyword}'`);
  }
  return token.value;
}

function parseTop(c: Cursor, at: number): Operator {
  const count = parseRowCount(c, 'top');
  c.expect('by', 'after the row count, as in top 10 by TimeGenerated desc');
  return { kind: 'top', count, key: parseSortKey(c), at };
}

function parseSummarize(c: Cursor, at: number): Operator {
  const aggregates = c.isIdent('by') ? [] : parseNamedList(c);
  const by = c.accept('by') ? parseNamedList(c) : [];
  return { kind: 'summarize', aggregates, by, at };
}
