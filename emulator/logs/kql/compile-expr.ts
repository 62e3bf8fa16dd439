import { startOf, STRING_OPS, type Expr, type StringOp } from './ast.js';
import { compileArithmetic, isArithmetic } from './arith.js';
import { compileBetween, compileComparison, compileIn, type ComparisonOp } from './compare.js';
import { compileError, unknownColumn, type CompileContext } from './context.js';
import { compileCall } from './functions.js';
import { compileStringOp } from './string-ops.js';
import { accessor, constant, fold, type Compiled, type Fn } from './values.js';

const STRING_OP_SET: ReadonlySet<string> = new Set<string>(STRING_OPS);

/**
 * Turns an expression into a closure once per query; rows then run through plain JS closures
 * with no tree walking. Type errors are reported here, before any row is read.
 */
export function compileExpr(e: Expr, ctx: CompileContext): Compiled {
  switch (e.kind) {
    case 'literal':
      return constant(e.type, e.value as string | number | boolean);
    case 'column': {
      const column = ctx.byName.get(e.name);
      if (column === undefined) throw unknownColumn(ctx, e.at, e.name);
      return { type: column.type, fn: accessor(column), constant: false };
    }
    case 'negate':
      return compileNegate(e.operand, e.at, ctx);
    case 'call': {
      const args = e.args.map((a) => compileExpr(a, ctx));
      return compileCall(ctx, e.name, e.at, args, e.args.map(startOf));
    }
    case 'in': {
      const left = compileExpr(e.left, ctx);
      const items = e.items.map((i) => compileExpr(i, ctx));
      return bool(compileIn(ctx, e.at, e.op, left, items), left.constant && items.every((i) => i.constant));
    }
    case 'between': {
      const [l, lo, hi] = [compileExpr(e.left, ctx), compileExpr(e.low, ctx), compileExpr(e.high, ctx)];
      return bool(compileBetween(ctx, e.at, e.negated, l, lo, hi), l.constant && lo.constant && hi.constant);
    }
    case 'binary':
      return compileBinary(e, ctx);
  }
}

/** Compiles a condition (`where`, `countif`, `iff`); it must be bool. */
export function compilePredicate(e: Expr, ctx: CompileContext): Fn {
  const compiled = compileExpr(e, ctx);
  if (compiled.type !== 'bool') {
    throw compileError(ctx, startOf(e), `expected a bool condition, but this expression is ${compiled.type}`);
  }
  return compiled.fn;
}

function bool(fn: Fn, isConstant: boolean): Compiled {
  return fold({ type: 'bool', fn, constant: isConstant });
}

function compileNegate(operand: Expr, at: number, ctx: CompileContext): Compiled {
  const inner = compileExpr(operand, ctx);
  if (inner.type !== 'long' && inner.type !== 'real' && inner.type !== 'timespan') {
    throw compileError(ctx, at, `cannot negate a ${inner.type}`);
  }
  const f = inner.fn;
  return fold({
    type: inner.type,
    constant: inner.constant,
    fn: (row) => {
      const v = f(row);
      return v === null ? null : -(v as number);
    },
  });
}

function compileBinary(e: Extract<Expr, { kind: 'binary' }>, ctx: CompileContext): Compiled {
  const op = e.op;
  if (op === 'and' || op === 'or') return compileLogical(e, ctx);
  const left = compileExpr(e.left, ctx);
  const right = compileExpr(e.right, ctx);
  const isConstant = left.constant && right.constant;
  if (isArithmetic(op)) return compileArithmetic(ctx, e.at, op, left, right);
  if (STRING_OP_SET.has(op)) return bool(compileStringOp(op as StringOp, left, right), isConstant);
  return bool(compileComparison(ctx, e.at, op as ComparisonOp, left, right), isConstant);
}

function compileLogical(e: Extract<Expr, { kind: 'binary' }>, ctx: CompileContext): Compiled {
  const left = compileExpr(e.left, ctx);
  const right = compileExpr(e.right, ctx);
  for (const [side, c] of [
    [e.left, left],
    [e.right, right],
  ] as const) {
    if (c.type !== 'bool')
      throw compileError(
        ctx,
        startOf(side),
        `'${e.op}' needs bool operands, but this expression is ${c.type}`,
      );
  }
  const [l, r] = [left.fn, right.fn];
  const fn: Fn =
    e.op === 'and'
      ? (row) => l(row) === true && r(row) === true
      : (row) => l(row) === true || r(row) === true;
  return bool(fn, left.constant && right.constant);
}
