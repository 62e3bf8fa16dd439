import type { Expr, NamedExpr, Operator, SortKey } from './ast.js';
import { compileExpr, compilePredicate } from './compile-expr.js';
import { compileError, makeContext, type CompileContext } from './context.js';
import { asRow, countStage, takeStage, type Stage } from './sink.js';
import { sortStage, topStage, type CompiledSortKey } from './sort.js';
import { summarizeStage, distinctStage } from './summarize.js';
import { accessor, type Fn, type ScopeColumn } from './values.js';

/** The shape after an operator: its columns (with the key each is read by) and the stage to run. */
export interface Planned {
  readonly columns: readonly ScopeColumn[];
  readonly stage: Stage;
}

/** Names for unnamed expressions: a column keeps its name, `bin(col, …)` in summarize too, else ColumnN. */
export class Namer {
  private readonly taken = new Set<string>();
  private counter = 0;

  constructor(private readonly ctx: CompileContext) {}

  name(item: NamedExpr, fallback?: string): string {
    if (item.name !== undefined) {
      if (this.taken.has(item.name))
        throw compileError(this.ctx, item.at, `duplicate column name '${item.name}'`);
      this.taken.add(item.name);
      return item.name;
    }
    const base = item.expr.kind === 'column' ? item.expr.name : (fallback ?? `Column${++this.counter}`);
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}${i}`;
    this.taken.add(name);
    return name;
  }
}

export function compileSortKeys(keys: readonly SortKey[], ctx: CompileContext): CompiledSortKey[] {
  return keys.map((k) => ({
    fn: compileExpr(k.expr, ctx).fn,
    descending: k.descending,
    nullsFirst: k.nullsFirst,
  }));
}

/** Plans one operator against the columns it receives. `sort` followed by `take` is fused by the caller. */
export function planOperator(op: Operator, ctx: CompileContext): Planned {
  switch (op.kind) {
    case 'where': {
      const predicate = compilePredicate(op.predicate, ctx);
      return {
        columns: ctx.columns,
        stage: (next) => ({
          push: (row) => (predicate(row) === true ? next.push(row) : true),
          end: () => next.end(),
        }),
      };
    }
    case 'project':
      return planProject(op.items, ctx);
    case 'extend':
      return planExtend(op.items, ctx);
    case 'sort':
      return { columns: ctx.columns, stage: sortStage(compileSortKeys(op.keys, ctx)) };
    case 'take':
      return { columns: ctx.columns, stage: takeStage(op.count) };
    case 'top':
      return { columns: ctx.columns, stage: topStage(op.count, compileSortKeys([op.key], ctx)) };
    case 'count':
      return { columns: [{ name: 'Count', type: 'long', key: 0 }], stage: countStage() };
    case 'summarize':
      return summarizeStage(op.aggregates, op.by, ctx, new Namer(ctx));
    case 'distinct':
      return distinctStage(op.columns === '*' ? allColumns(ctx) : op.columns, ctx, new Namer(ctx));
  }
}

function allColumns(ctx: CompileContext): NamedExpr[] {
  return ctx.columns.map((c) => ({ expr: { kind: 'column', name: c.name, at: 0 } satisfies Expr, at: 0 }));
}

function planProject(items: readonly NamedExpr[], ctx: CompileContext): Planned {
  const namer = new Namer(ctx);
  const fns: Fn[] = [];
  const columns: ScopeColumn[] = items.map((item, key) => {
    const compiled = compileExpr(item.expr, ctx);
    fns.push(compiled.fn);
    return { name: namer.name(item), type: compiled.type, key };
  });
  const n = fns.length;
  return {
    columns,
    stage: (next) => ({
      push: (row) => {
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = (fns[i] as Fn)(row);
        return next.push(asRow(out));
      },
      end: () => next.end(),
    }),
  };
}

/** Extend's name for an unnamed item: the column's own name, else the first free ColumnN. */
function autoName(expr: Expr, columns: readonly ScopeColumn[]): string {
  if (expr.kind === 'column') return expr.name;
  let n = 1;
  while (columns.some((c) => c.name === `Column${n}`)) n++;
  return `Column${n}`;
}

/**
 * `extend a = …, b = a + 1`: later items see earlier ones, and a name that already exists is
 * replaced in place, so each item is compiled against the output row being built.
 */
function planExtend(items: readonly NamedExpr[], ctx: CompileContext): Planned {
  const copy = ctx.columns.map(accessor);
  const columns: ScopeColumn[] = ctx.columns.map((c, key) => ({ name: c.name, type: c.type, key }));
  const assignments: { index: number; fn: Fn }[] = [];
  for (const item of items) {
    const compiled = compileExpr(item.expr, makeContext(ctx.text, columns, ctx.now));
    const name = item.name ?? autoName(item.expr, columns);
    const existing = columns.findIndex((c) => c.name === name);
    const index = existing >= 0 ? existing : columns.length;
    columns[index] = { name, type: compiled.type, key: index };
    assignments.push({ index, fn: compiled.fn });
  }
  const width = columns.length;
  return {
    columns,
    stage: (next) => ({
      push: (row) => {
        const out = new Array<unknown>(width);
        for (let i = 0; i < copy.length; i++) out[i] = (copy[i] as Fn)(row);
        const built = asRow(out);
        for (const a of assignments) out[a.index] = a.fn(built);
        return next.push(built);
      },
      end: () => next.end(),
    }),
  };
}
