import { formatDatetime, formatTimespan } from './literals.js';
import type { KqlType } from './types.js';

/** A scalar as the compiled closures see it. */
export type Value = string | number | boolean | null;

/**
 * A row inside the pipeline: a source record (keyed by column name) until the first operator that
 * reshapes rows, then an array (keyed by column index). Compiled accessors index it with the key
 * the scope assigned, so the same closure code serves both shapes without copying source records.
 */
export type RowData = Readonly<Record<string | number, unknown>>;

export type Fn = (row: RowData) => Value;

export interface Compiled {
  readonly type: KqlType;
  readonly fn: Fn;
  /** True when the value does not depend on the row (folded once at compile time). */
  readonly constant: boolean;
}

export interface ScopeColumn {
  readonly name: string;
  readonly type: KqlType;
  readonly key: string | number;
}

/** Values of one type family compare with each other: long and real are both numeric. */
export function typeFamily(type: KqlType): string {
  return type === 'long' || type === 'real' ? 'number' : type;
}

export function isNumeric(type: KqlType): boolean {
  return type === 'long' || type === 'real';
}

export function toKqlString(value: Value, type: KqlType): string {
  if (value === null) return '';
  if (type === 'datetime' && typeof value === 'number') return formatDatetime(value);
  if (type === 'timespan' && typeof value === 'number') return formatTimespan(value);
  return String(value);
}

/** Total order used by sort/top: nulls are placed by the caller; numbers, strings (ordinal), bools. */
export function compareValues(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  // Values of one column share a type; the casts let strings use the same ordinal operators.
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

export const EMPTY_ROW: RowData = {};

export function constant(type: KqlType, value: Value): Compiled {
  return { type, fn: () => value, constant: true };
}

/** Evaluates a row-independent expression once and returns it as a constant. */
export function fold(compiled: Compiled): Compiled {
  return compiled.constant ? constant(compiled.type, compiled.fn(EMPTY_ROW)) : compiled;
}

/** A store put a non-string into a string column: show numbers and booleans, drop the rest. */
function coerceString(v: unknown): string {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** Accessor for a column; strings are never null in Kusto, so a missing string reads as ''. */
export function accessor(column: ScopeColumn): Fn {
  const key = column.key;
  if (column.type === 'string') {
    return (row) => {
      const v = row[key];
      return typeof v === 'string' ? v : coerceString(v);
    };
  }
  return (row) => (row[key] ?? null) as Value;
}
