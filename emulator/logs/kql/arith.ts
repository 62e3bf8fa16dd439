import type { BinaryOp } from './ast.js';
import { compileError, type CompileContext } from './context.js';
import { fold, isNumeric, type Compiled } from './values.js';
import type { KqlType } from './types.js';

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

export function isArithmetic(op: BinaryOp): op is ArithmeticOp {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '%';
}

/** Result type of `l op r`, or undefined when Kusto rejects the combination. */
function resultType(op: ArithmeticOp, l: KqlType, r: KqlType): KqlType | undefined {
  if (isNumeric(l) && isNumeric(r)) return l === 'long' && r === 'long' ? 'long' : 'real';
  const pair = `${l} ${op} ${r}`;
  switch (pair) {
    case 'datetime + timespan':
    case 'timespan + datetime':
    case 'datetime - timespan':
      return 'datetime';
    case 'datetime - datetime':
    case 'timespan + timespan':
    case 'timespan - timespan':
    case 'timespan % timespan':
      return 'timespan';
    case 'timespan / timespan':
      return 'real';
    default:
      if ((op === '*' || op === '/') && l === 'timespan' && isNumeric(r)) return 'timespan';
      if (op === '*' && isNumeric(l) && r === 'timespan') return 'timespan';
      return undefined;
  }
}

function operation(op: ArithmeticOp, integer: boolean): (a: number, b: number) => number | null {
  switch (op) {
    case '+':
      return (a, b) => a + b;
    case '-':
      return (a, b) => a - b;
    case '*':
      return (a, b) => a * b;
    case '/':
      return integer ? (a, b) => (b === 0 ? null : Math.trunc(a / b)) : (a, b) => a / b;
    case '%':
      return (a, b) => (b === 0 ? null : a % b);
  }
}

/** Arithmetic on numbers, datetimes and timespans (all numbers inside); null in, null out. */
export function compileArithmetic(
  ctx: CompileContext,
  at: number,
  op: ArithmeticOp,
  l: Compiled,
  r: Compiled,
): Compiled {
  const type = resultType(op, l.type, r.type);
  if (type === undefined) {
    const hint = l.type === 'string' && op === '+' ? ' (use strcat() to join strings)' : '';
    throw compileError(ctx, at, `cannot apply '${op}' to ${l.type} and ${r.type}${hint}`);
  }
  const f = operation(op, l.type === 'long' && r.type === 'long');
  const [lf, rf] = [l.fn, r.fn];
  return fold({
    type,
    constant: l.constant && r.constant,
    fn: (row) => {
      const a = lf(row);
      const b = rf(row);
      return a === null || b === null ? null : f(a as number, b as number);
    },
  });
}
