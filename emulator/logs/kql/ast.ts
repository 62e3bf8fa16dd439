/** Syntax tree of a parsed query. Every node keeps the offset of its first character for errors. */
import type { KqlType } from './types.js';

export type BinaryOp =
  'and' | 'or' | '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | StringOp;

/** Operators that compare strings; a leading `!` negates, a `_cs` suffix makes them case-sensitive. */
export const STRING_OPS = [
  '=~',
  '!~',
  'has',
  '!has',
  'has_cs',
  '!has_cs',
  'contains',
  '!contains',
  'contains_cs',
  '!contains_cs',
  'startswith',
  '!startswith',
  'startswith_cs',
  '!startswith_cs',
  'endswith',
  '!endswith',
  'endswith_cs',
  '!endswith_cs',
] as const;
export type StringOp = (typeof STRING_OPS)[number];

export type InOp = 'in' | '!in' | 'in~' | '!in~';

export type Expr =
  | { readonly kind: 'literal'; readonly type: KqlType; readonly value: unknown; readonly at: number }
  | { readonly kind: 'column'; readonly name: string; readonly at: number }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly at: number }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly at: number;
    }
  | { readonly kind: 'negate'; readonly operand: Expr; readonly at: number }
  | {
      readonly kind: 'in';
      readonly op: InOp;
      readonly left: Expr;
      readonly items: readonly Expr[];
      readonly at: number;
    }
  | {
      readonly kind: 'between';
      readonly negated: boolean;
      readonly left: Expr;
      readonly low: Expr;
      readonly high: Expr;
      readonly at: number;
    };

/** `name = expr` or a bare `expr` (named after the column, or `Column1`, `count_`, … when absent). */
export interface NamedExpr {
  readonly name?: string;
  readonly expr: Expr;
  readonly at: number;
}

export interface SortKey {
  readonly expr: Expr;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

export type Operator =
  | { readonly kind: 'where'; readonly predicate: Expr; readonly at: number }
  | { readonly kind: 'project' | 'extend'; readonly items: readonly NamedExpr[]; readonly at: number }
  | { readonly kind: 'sort'; readonly keys: readonly SortKey[]; readonly at: number }
  | { readonly kind: 'take'; readonly count: number; readonly at: number }
  | { readonly kind: 'top'; readonly count: number; readonly key: SortKey; readonly at: number }
  | { readonly kind: 'count'; readonly at: number }
  | {
      readonly kind: 'summarize';
      readonly aggregates: readonly NamedExpr[];
      readonly by: readonly NamedExpr[];
      readonly at: number;
    }
  | { readonly kind: 'distinct'; readonly columns: readonly NamedExpr[] | '*'; readonly at: number };

export interface Query {
  /** The query text, kept so that later (execution-time) errors can report line and column. */
  readonly text: string;
  readonly table: { readonly name: string; readonly at: number };
  readonly operators: readonly Operator[];
}

/** Offset of the first character of an expression (binary nodes record their operator). */
export function startOf(e: Expr): number {
  switch (e.kind) {
    case 'binary':
    case 'in':
    case 'between':
      return startOf(e.left);
    default:
      return e.at;
  }
}
