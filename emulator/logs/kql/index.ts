/**
 * A local engine for the subset of KQL that people use on session logs in Log Analytics:
 *
 *   T | where … | project … | extend … | order by / sort by … | take / limit N | top N by …
 *     | count | summarize aggs by keys | distinct cols
 *
 * `parseKql` builds a syntax tree; `executeKql` resolves tables and columns, compiles every
 * expression into a closure once, and pushes the source's rows through the stages lazily (a
 * `take` stops the scan). Every problem with a query is a `KqlError` with line and column.
 *
 * Seam for indexes: `executeKql` passes `ScanHints` (TimeGenerated bounds and `column == 'x'`
 * equalities taken from the leading `where`s) to `source.table(name, hints)`; a store may use them
 * to skip rows but must return a superset of the matching rows, since every predicate still runs.
 */
import type { Query } from './ast.js';
import { kqlError, KqlError } from './errors.js';
import { executeKql as execute } from './executor.js';
import { parseQuery } from './parser.js';
import type { ExecuteOptions, KqlResult, KqlSource } from './types.js';

export type { Query } from './ast.js';
export { KqlError, type KqlPosition } from './errors.js';
export { DEFAULT_MAX_ROWS } from './executor.js';
export { SUPPORTED_OPERATORS } from './parser.js';
export { formatDatetime, formatTimespan } from './literals.js';
export * from './tables.js';
export type * from './types.js';

/** Very deep nesting would overflow the recursive parser/compiler; report it as a query error. */
function guardDepth<T>(text: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof RangeError && !(error instanceof KqlError)) {
      throw kqlError(text, 0, 'the query is nested too deeply');
    }
    throw error;
  }
}

/** Parses a query; throws KqlError (only) for malformed text. */
export function parseKql(text: string): Query {
  return guardDepth(text, () => parseQuery(text));
}

/** Runs a parsed query against a source; throws KqlError for unknown tables/columns and type errors. */
export function executeKql(query: Query, source: KqlSource, options?: ExecuteOptions): KqlResult {
  return guardDepth(query.text, () => execute(query, source, options));
}

export function runKql(text: string, source: KqlSource, options?: ExecuteOptions): KqlResult {
  return executeKql(parseKql(text), source, options);
}
