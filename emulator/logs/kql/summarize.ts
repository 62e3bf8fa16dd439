import { compileAggregation, type Accumulator } from './aggregates.js';
import type { NamedExpr } from './ast.js';
import { compileExpr } from './compile-expr.js';
import type { CompileContext } from './context.js';
import type { Namer, Planned } from './operators.js';
import { asRow } from './sink.js';
import type { Fn, RowData, ScopeColumn, Value } from './values.js';

/**
 * Groups rows by key tuples with nested Maps (one level per key), so finding a row's group
 * allocates nothing; groups are kept in first-seen order for output.
 */
class GroupIndex<G> {
  private readonly root = new Map<Value, unknown>();
  readonly groups: G[] = [];
  /** Whether the last `get` created the group. */
  created = false;

  constructor(
    private readonly keyFns: readonly Fn[],
    private readonly create: (row: RowData) => G,
  ) {}

  get(row: RowData): G {
    const keyFns = this.keyFns;
    const last = keyFns.length - 1;
    let map = this.root;
    for (let i = 0; i < last; i++) {
      const v = (keyFns[i] as Fn)(row);
      let sub = map.get(v) as Map<Value, unknown> | undefined;
      if (sub === undefined) {
        sub = new Map();
        map.set(v, sub);
      }
      map = sub;
    }
    const v = (keyFns[last] as Fn)(row);
    let group = map.get(v) as G | undefined;
    this.created = group === undefined;
    if (group === undefined) {
      group = this.create(row);
      map.set(v, group);
      this.groups.push(group);
    }
    return group;
  }
}

/** `bin(TimeGenerated, 1h)` as a summarize key is named `TimeGenerated`, as in Kusto. */
function keyFallback(item: NamedExpr): string | undefined {
  const e = item.expr;
  const first = e.kind === 'call' ? e.args[0] : undefined;
  return e.kind === 'call' && (e.name === 'bin' || e.name === 'floor') && first?.kind === 'column'
    ? first.name
    : undefined;
}

function compileKeys(
  items: readonly NamedExpr[],
  ctx: CompileContext,
  namer: Namer,
): { fns: Fn[]; columns: ScopeColumn[] } {
  const fns: Fn[] = [];
  const columns = items.map((item, key): ScopeColumn => {
    const compiled = compileExpr(item.expr, ctx);
    fns.push(compiled.fn);
    return { name: namer.name(item, keyFallback(item)), type: compiled.type, key };
  });
  return { fns, columns };
}

interface Group {
  readonly keys: Value[];
  readonly accs: Accumulator[];
}

export function summarizeStage(
  aggItems: readonly NamedExpr[],
  byItems: readonly NamedExpr[],
  ctx: CompileContext,
  namer: Namer,
): Planned {
  const keys = compileKeys(byItems, ctx, namer);
  const aggs = aggItems.map((item) => ({ item, agg: compileAggregation(item.expr, ctx) }));
  const aggColumns = aggs.map(({ item, agg }, i): ScopeColumn => ({
    name: namer.name(item, agg.defaultName),
    type: agg.type,
    key: keys.columns.length + i,
  }));
  const create = (row: RowData): Group => ({
    keys: keys.fns.map((f) => f(row)),
    accs: aggs.map((a) => a.agg.create()),
  });
  return {
    columns: [...keys.columns, ...aggColumns],
    stage: (next) => {
      // Without `by` there is exactly one group, even over no rows (count() → 0).
      const single = keys.fns.length === 0 ? create({}) : undefined;
      const index = new GroupIndex(keys.fns, create);
      return {
        push: (row) => {
          const accs = (single ?? index.get(row)).accs;
          for (let i = 0; i < accs.length; i++) (accs[i] as Accumulator).add(row);
          return true;
        },
        end: () => {
          for (const g of single ? [single] : index.groups) {
            if (!next.push(asRow([...g.keys, ...g.accs.map((a) => a.result())]))) break;
          }
          next.end();
        },
      };
    },
  };
}

/** `distinct a, b`: streams each new combination as soon as it is first seen (so `take` stops early). */
export function distinctStage(items: readonly NamedExpr[], ctx: CompileContext, namer: Namer): Planned {
  const keys = compileKeys(items, ctx, namer);
  return {
    columns: keys.columns,
    stage: (next) => {
      const index = new GroupIndex(keys.fns, (row) => keys.fns.map((f) => f(row)));
      return {
        push: (row) => {
          const values = index.get(row);
          return index.created ? next.push(asRow(values)) : true;
        },
        end: () => next.end(),
      };
    },
  };
}
