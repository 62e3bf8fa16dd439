import { compileError, type CompileContext } from './context.js';
import type { KqlType } from './types.js';
import { fold, isNumeric, toKqlString, typeFamily, type Compiled, type Fn, type Value } from './values.js';

interface Call {
  readonly ctx: CompileContext;
  readonly name: string;
  readonly at: number;
  readonly args: readonly Compiled[];
  /** Where each argument starts, for errors about one argument. */
  readonly argAt: readonly number[];
}

interface FunctionSpec {
  readonly min: number;
  readonly max: number;
  readonly signature: string;
  compile(call: Call): Compiled;
}

/** Ticks since 0001-01-01 are Kusto's epoch for bin(); this keeps 7d bins starting on Mondays. */
const KUSTO_EPOCH_OFFSET_MS = 62_135_596_800_000;

function argType(call: Call, index: number, allowed: readonly KqlType[]): Compiled {
  const arg = call.args[index];
  if (arg === undefined)
    throw compileError(call.ctx, call.at, `${call.name}() is missing argument ${index + 1}`);
  if (!allowed.includes(arg.type)) {
    const spec = FUNCTIONS[call.name];
    throw compileError(
      call.ctx,
      call.argAt[index] ?? call.at,
      `${call.name}() argument ${index + 1} must be ${allowed.join(' or ')}, not ${arg.type}`,
      spec?.signature,
      'usage',
    );
  }
  return arg;
}

/** A function of one argument; constant in, constant out. */
function unary(
  call: Call,
  allowed: readonly KqlType[],
  type: KqlType,
  f: (v: Value, t: KqlType) => Value,
): Compiled {
  const arg = argType(call, 0, allowed);
  const [fn, t] = [arg.fn, arg.type];
  return fold({ type, constant: arg.constant, fn: (row) => f(fn(row), t) });
}

const ANY: readonly KqlType[] = ['string', 'datetime', 'long', 'real', 'bool', 'timespan'];

function compileBin(call: Call): Compiled {
  const value = argType(call, 0, ['long', 'real', 'datetime', 'timespan']);
  const size = argType(
    call,
    1,
    value.type === 'datetime' || value.type === 'timespan' ? ['timespan'] : ['long', 'real'],
  );
  const type: KqlType =
    isNumeric(value.type) && !(value.type === 'long' && size.type === 'long') ? 'real' : value.type;
  const offset = value.type === 'datetime' ? KUSTO_EPOCH_OFFSET_MS : 0;
  const [vf, sf] = [value.fn, size.fn];
  if (size.constant) {
    const s = sf({}) as number | null;
    if (s === null || !(s > 0)) return { type, constant: true, fn: () => null };
    return fold({
      type,
      constant: value.constant,
      fn: (row) => {
        const v = vf(row) as number | null;
        return v === null ? null : Math.floor((v + offset) / s) * s - offset;
      },
    });
  }
  return {
    type,
    constant: false,
    fn: (row) => {
      const v = vf(row) as number | null;
      const s = sf(row) as number | null;
      return v === null || s === null || !(s > 0) ? null : Math.floor((v + offset) / s) * s - offset;
    },
  };
}

function compileIff(call: Call): Compiled {
  const cond = argType(call, 0, ['bool']).fn;
  const [a, b] = [argType(call, 1, ANY), argType(call, 2, ANY)];
  if (typeFamily(a.type) !== typeFamily(b.type)) {
    throw compileError(
      call.ctx,
      call.at,
      `${call.name}() branches must have the same type, not ${a.type} and ${b.type}`,
    );
  }
  const type = a.type === b.type ? a.type : 'real';
  const [af, bf] = [a.fn, b.fn];
  return { type, constant: false, fn: (row) => (cond(row) === true ? af(row) : bf(row)) };
}

function compileStrcat(call: Call): Compiled {
  const parts = call.args.map((arg) => {
    const { fn, type } = arg;
    return (row: Parameters<Fn>[0]): string => toKqlString(fn(row), type);
  });
  return fold({
    type: 'string',
    constant: call.args.every((a) => a.constant),
    fn: (row) => parts.map((p) => p(row)).join(''),
  });
}

const str = (v: Value): string => (typeof v === 'string' ? v : '');
const isEmpty = (v: Value): boolean => v === null || v === '';

export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  ago: {
    min: 1,
    max: 1,
    signature: 'ago(timespan)',
    compile: (c) =>
      unary(c, ['timespan'], 'datetime', (v) => (v === null ? null : c.ctx.now - (v as number))),
  },
  now: {
    min: 0,
    max: 1,
    signature: 'now([offset timespan])',
    compile: (c) =>
      c.args.length === 0
        ? { type: 'datetime', constant: true, fn: () => c.ctx.now }
        : unary(c, ['timespan'], 'datetime', (v) => (v === null ? null : c.ctx.now + (v as number))),
  },
  bin: { min: 2, max: 2, signature: 'bin(value, roundTo)', compile: compileBin },
  floor: { min: 2, max: 2, signature: 'floor(value, roundTo)', compile: compileBin },
  tolower: {
    min: 1,
    max: 1,
    signature: 'tolower(string)',
    compile: (c) => unary(c, ['string'], 'string', (v) => str(v).toLowerCase()),
  },
  toupper: {
    min: 1,
    max: 1,
    signature: 'toupper(string)',
    compile: (c) => unary(c, ['string'], 'string', (v) => str(v).toUpperCase()),
  },
  strlen: {
    min: 1,
    max: 1,
    signature: 'strlen(string)',
    compile: (c) => unary(c, ['string'], 'long', (v) => str(v).length),
  },
  tostring: {
    min: 1,
    max: 1,
    signature: 'tostring(value)',
    compile: (c) => unary(c, ANY, 'string', toKqlString),
  },
  isempty: { min: 1, max: 1, signature: 'isempty(value)', compile: (c) => unary(c, ANY, 'bool', isEmpty) },
  isnotempty: {
    min: 1,
    max: 1,
    signature: 'isnotempty(value)',
    compile: (c) => unary(c, ANY, 'bool', (v) => !isEmpty(v)),
  },
  isnull: {
    min: 1,
    max: 1,
    signature: 'isnull(value)',
    compile: (c) => unary(c, ANY, 'bool', (v) => v === null),
  },
  isnotnull: {
    min: 1,
    max: 1,
    signature: 'isnotnull(value)',
    compile: (c) => unary(c, ANY, 'bool', (v) => v !== null),
  },
  not: {
    min: 1,
    max: 1,
    signature: 'not(bool)',
    compile: (c) => unary(c, ['bool'], 'bool', (v) => v !== true),
  },
  strcat: { min: 1, max: 64, signature: 'strcat(value, …)', compile: compileStrcat },
  iff: { min: 3, max: 3, signature: 'iff(condition, then, else)', compile: compileIff },
  iif: { min: 3, max: 3, signature: 'iif(condition, then, else)', compile: compileIff },
};

export const AGGREGATION_NAMES: ReadonlySet<string> = new Set([
  'count',
  'countif',
  'sum',
  'avg',
  'min',
  'max',
  'dcount',
  'take_any',
  'any',
]);

export function compileCall(
  ctx: CompileContext,
  name: string,
  at: number,
  args: readonly Compiled[],
  argAt: readonly number[],
): Compiled {
  const spec = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (spec === undefined) {
    if (AGGREGATION_NAMES.has(name)) {
      throw compileError(ctx, at, `${name}() is an aggregation; it can only be used directly in summarize`);
    }
    throw compileError(
      ctx,
      at,
      `unknown function '${name}'`,
      Object.values(FUNCTIONS)
        .map((f) => f.signature)
        .join(', '),
    );
  }
  if (args.length < spec.min || args.length > spec.max) {
    throw compileError(
      ctx,
      at,
      `${name}() takes ${spec.min === spec.max ? spec.min : `${spec.min} to ${spec.max}`} argument(s), got ${args.length}`,
      spec.signature,
      'usage',
    );
  }
  return spec.compile({ ctx, name, at, args, argAt });
}
