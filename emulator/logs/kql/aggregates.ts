import type { Expr } from './ast.js';
import { compileExpr, compilePredicate } from './compile-expr.js';
import { compileError, type CompileContext } from './context.js';
import type { KqlType } from './types.js';
import { compareValues, isNumeric, type Fn, type RowData, type Value } from './values.js';

/** Per-group state of one aggregation; created once per group, never per row. */
export interface Accumulator {
  add(row: RowData): void;
  result(): Value;
}

export interface Aggregation {
  /** Kusto's default column name: `count_`, `countif_`, `max_TimeGenerated`, … */
  readonly defaultName: string;
  readonly type: KqlType;
  create(): Accumulator;
}

type Call = Extract<Expr, { kind: 'call' }>;

export const SUPPORTED_AGGREGATIONS =
  'count(), countif(condition), sum(x), avg(x), min(x), max(x), dcount(x), take_any(x)';

function countAgg(): Aggregation {
  return {
    defaultName: 'count_',
    type: 'long',
    create: () => {
      let n = 0;
      return { add: () => void n++, result: () => n };
    },
  };
}

function countifAgg(pred: Fn): Aggregation {
  return {
    defaultName: 'countif_',
    type: 'long',
    create: () => {
      let n = 0;
      return { add: (row) => void (pred(row) === true && n++), result: () => n };
    },
  };
}

function sumAgg(fn: Fn, avg: boolean): Accumulator {
  let total = 0;
  let n = 0;
  return {
    add: (row) => {
      const v = fn(row);
      if (typeof v === 'number') {
        total += v;
        n++;
      }
    },
    result: () => (avg ? (n === 0 ? null : total / n) : total),
  };
}

function extremeAgg(fn: Fn, sign: 1 | -1, type: KqlType): Accumulator {
  let best: Value = null;
  return {
    add: (row) => {
      const v = fn(row);
      if (v !== null && (best === null || compareValues(v, best) * sign > 0)) best = v;
    },
    result: () => (best === null && type === 'string' ? '' : best),
  };
}

function dcountAgg(fn: Fn): Accumulator {
  const seen = new Set<Value>();
  return {
    add: (row) => {
      const v = fn(row);
      if (v !== null) seen.add(v);
    },
    result: () => seen.size,
  };
}

function takeAnyAgg(fn: Fn): Accumulator {
  let value: Value = null;
  return {
    add: (row) => {
      if (value === null) value = fn(row);
    },
    result: () => value,
  };
}

function oneArg(call: Call, ctx: CompileContext): { fn: Fn; type: KqlType; suffix: string } {
  const arg = call.args[0];
  if (call.args.length !== 1 || arg === undefined) {
    throw compileError(
      ctx,
      call.at,
      `${call.name}() takes exactly one argument`,
      SUPPORTED_AGGREGATIONS,
      'usage',
    );
  }
  const compiled = compileExpr(arg, ctx);
  return { fn: compiled.fn, type: compiled.type, suffix: arg.kind === 'column' ? arg.name : '' };
}

/** Compiles `count()`, `max(TimeGenerated)`, … (the item of a summarize list must be one of these calls). */
export function compileAggregation(e: Expr, ctx: CompileContext): Aggregation {
  if (e.kind !== 'call') {
    throw compileError(ctx, e.at, 'expected an aggregation function call', SUPPORTED_AGGREGATIONS);
  }
  if (e.name === 'count') {
    if (e.args.length > 0)
      throw compileError(
        ctx,
        e.at,
        'count() takes no arguments',
        'countif(condition)',
        'for a conditional count use',
      );
    return countAgg();
  }
  if (e.name === 'countif') {
    const cond = e.args[0];
    if (e.args.length !== 1 || cond === undefined)
      throw compileError(ctx, e.at, 'countif() takes exactly one condition');
    return countifAgg(compilePredicate(cond, ctx));
  }
  return valueAggregation(e, ctx);
}

function valueAggregation(e: Call, ctx: CompileContext): Aggregation {
  const name = e.name === 'any' ? 'take_any' : e.name;
  const numericOnly = (t: KqlType): boolean =>
    isNumeric(t) || t === 'timespan' || (name === 'avg' && t === 'datetime');
  switch (name) {
    case 'sum':
    case 'avg': {
      const { fn, type, suffix } = oneArg(e, ctx);
      if (!numericOnly(type))
        throw compileError(ctx, e.at, `${name}() needs a number or timespan, not ${type}`);
      const resultType: KqlType = name === 'avg' && isNumeric(type) ? 'real' : type;
      return { defaultName: `${name}_${suffix}`, type: resultType, create: () => sumAgg(fn, name === 'avg') };
    }
    case 'min':
    case 'max': {
      const { fn, type, suffix } = oneArg(e, ctx);
      const sign = name === 'max' ? 1 : -1;
      return { defaultName: `${name}_${suffix}`, type, create: () => extremeAgg(fn, sign, type) };
    }
    case 'dcount': {
      const { fn, suffix } = oneArg(e, ctx);
      return { defaultName: `dcount_${suffix}`, type: 'long', create: () => dcountAgg(fn) };
    }
    case 'take_any': {
      const { fn, type, suffix } = oneArg(e, ctx);
      return { defaultName: `${e.name}_${suffix}`, type, create: () => takeAnyAgg(fn) };
    }
    default:
      throw compileError(ctx, e.at, `unknown aggregation '${e.name}'`, SUPPORTED_AGGREGATIONS);
  }
}
