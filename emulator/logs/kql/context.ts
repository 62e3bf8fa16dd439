import { kqlError, type KqlError } from './errors.js';
import type { ScopeColumn } from './values.js';

/** What an expression is compiled against: the columns in scope and the query's `now()`. */
export interface CompileContext {
  readonly text: string;
  readonly columns: readonly ScopeColumn[];
  readonly byName: ReadonlyMap<string, ScopeColumn>;
  readonly now: number;
}

export function makeContext(text: string, columns: readonly ScopeColumn[], now: number): CompileContext {
  return { text, columns, byName: new Map(columns.map((c) => [c.name, c])), now };
}

export function compileError(
  ctx: CompileContext,
  at: number,
  problem: string,
  expected?: string,
  label?: string,
): KqlError {
  return kqlError(ctx.text, at, problem, expected, label);
}

export function unknownColumn(ctx: CompileContext, at: number, name: string): KqlError {
  const available = ctx.columns.map((c) => c.name).join(', ');
  return compileError(ctx, at, `unknown column '${name}'`, available, 'available columns');
}
