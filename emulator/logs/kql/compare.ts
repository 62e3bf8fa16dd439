import { compileError, type CompileContext } from './context.js';
import { typeFamily, type Compiled, type Fn, type Value } from './values.js';
import type { InOp } from './ast.js';

export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

function requireComparable(ctx: CompileContext, at: number, op: string, l: Compiled, r: Compiled): void {
  if (typeFamily(l.type) === typeFamily(r.type)) return;
  const hint =
    l.type === 'datetime' && r.type === 'string' ? ' (write datetime(…) for a datetime literal)' : '';
  throw compileError(ctx, at, `cannot compare ${l.type} with ${r.type} using '${op}'${hint}`);
}

/** A comparison involving null is false, as `where` treats Kusto's null result. */
export function compileComparison(
  ctx: CompileContext,
  at: number,
  op: ComparisonOp,
  l: Compiled,
  r: Compiled,
): Fn {
  requireComparable(ctx, at, op, l, r);
  const left = l.fn;
  if (r.constant) {
    const c = r.fn({});
    if (c === null) return () => false;
    return compareWithConstant(op, left, c);
  }
  const right = r.fn;
  const test = ORDER_TESTS[op];
  return (row) => {
    const a = left(row);
    const b = right(row);
    return a !== null && b !== null && test(a as number, b as number);
  };
}

// Values of one family share a JS type; the `number` casts let strings use the same operators.
const ORDER_TESTS: Readonly<Record<ComparisonOp, (a: number, b: number) => boolean>> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** Specialised closures for the hot `column op literal` shape: no second call per row. */
function compareWithConstant(op: ComparisonOp, left: Fn, value: Value): Fn {
  const c = value as number;
  switch (op) {
    case '==':
      return (row) => left(row) === c;
    case '!=':
      return (row) => {
        const a = left(row);
        return a !== null && a !== c;
      };
    case '<':
      return (row) => {
        const a = left(row);
        return a !== null && (a as number) < c;
      };
    case '<=':
      return (row) => {
        const a = left(row);
        return a !== null && (a as number) <= c;
      };
    case '>':
      return (row) => {
        const a = left(row);
        return a !== null && (a as number) > c;
      };
    case '>=':
      return (row) => {
        const a = left(row);
        return a !== null && (a as number) >= c;
      };
  }
}

/** `x in (a, b)`, `x !in (…)`, and the case-insensitive `in~` / `!in~` for strings. */
export function compileIn(
  ctx: CompileContext,
  at: number,
  op: InOp,
  l: Compiled,
  items: readonly Compiled[],
): Fn {
  for (const item of items) requireComparable(ctx, at, op, l, item);
  const caseless = op.endsWith('~') && l.type === 'string';
  const negated = op.startsWith('!');
  const norm = (v: Value): Value => (caseless && typeof v === 'string' ? v.toLowerCase() : v);
  const left = l.fn;
  if (items.every((i) => i.constant)) {
    const set = new Set<Value>(items.map((i) => norm(i.fn({}))).filter((v) => v !== null));
    return (row) => {
      const v = left(row);
      return v !== null && set.has(norm(v)) !== negated;
    };
  }
  const fns = items.map((i) => i.fn);
  return (row) => {
    const v = norm(left(row));
    if (v === null) return false;
    return fns.some((f) => norm(f(row)) === v) !== negated;
  };
}

/** `x between (low .. high)`, inclusive; a timespan `high` on a datetime means `low + high`. */
export function compileBetween(
  ctx: CompileContext,
  at: number,
  negated: boolean,
  l: Compiled,
  low: Compiled,
  high: Compiled,
): Fn {
  const orderable = ['number', 'datetime', 'timespan'];
  if (!orderable.includes(typeFamily(l.type))) {
    throw compileError(ctx, at, `between needs a number, datetime or timespan, not ${l.type}`);
  }
  requireComparable(ctx, at, 'between', l, low);
  const relative = l.type === 'datetime' && high.type === 'timespan';
  if (!relative) requireComparable(ctx, at, 'between', l, high);
  const [left, lo, hi] = [l.fn, low.fn, high.fn];
  return (row) => {
    const v = left(row) as number | null;
    const a = lo(row) as number | null;
    const b = hi(row) as number | null;
    if (v === null || a === null || b === null) return false;
    const upper = relative ? a + b : b;
    return (v >= a && v <= upper) !== negated;
  };
}
