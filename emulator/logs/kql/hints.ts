import type { Expr, Operator } from './ast.js';
import { compileExpr } from './compile-expr.js';
import type { CompileContext } from './context.js';
import type { ScanHints } from './types.js';
import type { Value } from './values.js';

/** The time column a source may index; see ScanHints. */
export const TIME_COLUMN = 'TimeGenerated';

const FLIPPED: Readonly<Record<string, string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==' };

function conjuncts(e: Expr): Expr[] {
  return e.kind === 'binary' && e.op === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

class HintBuilder {
  timeFrom: number | undefined;
  timeTo: number | undefined;
  readonly equals = new Map<string, string>();

  constructor(private readonly ctx: CompileContext) {}

  /** The value of a row-independent expression, or undefined. */
  constantOf(e: Expr): Value | undefined {
    const compiled = compileExpr(e, this.ctx);
    return compiled.constant ? compiled.fn({}) : undefined;
  }

  isTimeColumn(e: Expr): boolean {
    return e.kind === 'column' && e.name === TIME_COLUMN && this.ctx.byName.get(e.name)?.type === 'datetime';
  }

  from(v: Value | undefined): void {
    if (typeof v === 'number') this.timeFrom = Math.max(this.timeFrom ?? -Infinity, v);
  }

  to(v: Value | undefined): void {
    if (typeof v === 'number') this.timeTo = Math.min(this.timeTo ?? Infinity, v);
  }

  add(e: Expr): void {
    if (e.kind === 'between' && !e.negated && this.isTimeColumn(e.left)) {
      const low = this.constantOf(e.low);
      const high = this.constantOf(e.high);
      const relative = compileExpr(e.high, this.ctx).type === 'timespan';
      this.from(low);
      this.to(relative && typeof low === 'number' && typeof high === 'number' ? low + high : high);
      return;
    }
    if (e.kind !== 'binary' || FLIPPED[e.op] === undefined) return;
    const columnLeft = e.left.kind === 'column';
    const [column, other] = columnLeft ? [e.left, e.right] : [e.right, e.left];
    if (column.kind !== 'column') return;
    const op = columnLeft ? e.op : (FLIPPED[e.op] as string);
    if (this.isTimeColumn(column)) {
      const v = this.constantOf(other);
      if (op === '>' || op === '>=' || op === '==') this.from(v);
      if (op === '<' || op === '<=' || op === '==') this.to(v);
      return;
    }
    const value =
      op === '==' && this.ctx.byName.get(column.name)?.type === 'string' ? this.constantOf(other) : undefined;
    if (typeof value === 'string' && !this.equals.has(column.name)) this.equals.set(column.name, value);
  }
}

/**
 * Pre-filter hints from the conjuncts of the `where` operators that come before anything reshapes
 * the rows. Only safe, simple shapes are used: `TimeGenerated` compared with (or between) constants,
 * and `stringColumn == 'constant'`. Called after the pipeline compiled, so compiling parts is safe.
 */
export function extractHints(operators: readonly Operator[], ctx: CompileContext): ScanHints {
  const builder = new HintBuilder(ctx);
  for (const op of operators) {
    if (op.kind !== 'where') break;
    for (const c of conjuncts(op.predicate)) builder.add(c);
  }
  return {
    ...(builder.timeFrom === undefined ? {} : { timeFrom: builder.timeFrom }),
    ...(builder.timeTo === undefined ? {} : { timeTo: builder.timeTo }),
    equals: builder.equals,
  };
}
