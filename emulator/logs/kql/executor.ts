import type { Operator, Query } from './ast.js';
import { makeContext } from './context.js';
import { kqlError, type KqlError } from './errors.js';
import { extractHints } from './hints.js';
import { compileSortKeys, planOperator } from './operators.js';
import { OutputSink, type Sink, type Stage } from './sink.js';
import { topStage } from './sort.js';
import { KQL_TABLES } from './tables.js';
import type { ExecuteOptions, KqlResult, KqlSource, PushRows, Row, TableSchema } from './types.js';
import { accessor, type ScopeColumn } from './values.js';

/** The Log Analytics portal's row cap. */
export const DEFAULT_MAX_ROWS = 30_000;

interface Pipeline {
  readonly columns: readonly ScopeColumn[];
  readonly stages: readonly Stage[];
}

/**
 * Compiles every operator once. A sort that only feeds `take N` (or the result, which keeps at most
 * `maxRows` + 1 rows) becomes a top-N stage, so it never buffers the whole table.
 */
function planPipeline(
  query: Query,
  sourceColumns: readonly ScopeColumn[],
  now: number,
  maxRows: number,
): Pipeline {
  const stages: Stage[] = [];
  let columns = sourceColumns;
  const ops = query.operators;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as Operator;
    const ctx = makeContext(query.text, columns, now);
    const following = ops[i + 1];
    const limit =
      following?.kind === 'take' ? following.count : following === undefined ? maxRows + 1 : undefined;
    if (op.kind === 'sort' && limit !== undefined) {
      stages.push(topStage(limit, compileSortKeys(op.keys, ctx)));
      if (following !== undefined) i++;
      continue;
    }
    const planned = planOperator(op, ctx);
    stages.push(planned.stage);
    columns = planned.columns;
  }
  return { columns, stages };
}

function isPushRows(rows: Iterable<Row>): rows is PushRows {
  return typeof (rows as Partial<PushRows>).forEachRow === 'function';
}

function unknownTable(query: Query, source: KqlSource): KqlError {
  const available = Object.keys(source.schemas ?? KQL_TABLES).join(', ');
  return kqlError(
    query.text,
    query.table.at,
    `unknown table '${query.table.name}'`,
    available,
    'available tables',
  );
}

function tableSchema(query: Query, source: KqlSource): TableSchema {
  const schemas = source.schemas ?? KQL_TABLES;
  const name = query.table.name;
  const schema = Object.hasOwn(schemas, name) ? schemas[name] : undefined;
  if (schema === undefined) throw unknownTable(query, source);
  return schema;
}

/**
 * Runs a parsed query. Everything that can be wrong with the query (tables, columns, types) is
 * reported as a KqlError before the first row is read; rows then stream through compiled closures.
 */
export function executeKql(query: Query, source: KqlSource, options: ExecuteOptions = {}): KqlResult {
  const schema = tableSchema(query, source);
  const now = source.now();
  const sourceColumns = Object.entries(schema).map(([name, type]): ScopeColumn => ({
    name,
    type,
    key: name,
  }));
  const maxRows = Math.max(0, options.maxRows ?? DEFAULT_MAX_ROWS);
  const pipeline = planPipeline(query, sourceColumns, now, maxRows);
  const hints = extractHints(query.operators, makeContext(query.text, sourceColumns, now));
  const rows = source.table(query.table.name, hints);
  if (rows === undefined) throw unknownTable(query, source);
  const out = new OutputSink(pipeline.columns.map(accessor), maxRows);
  let head: Sink = out;
  for (let i = pipeline.stages.length - 1; i >= 0; i--) head = (pipeline.stages[i] as Stage)(head);
  const sink = head;
  if (isPushRows(rows)) rows.forEachRow((row) => sink.push(row));
  else for (const row of rows) if (!sink.push(row)) break;
  head.end();
  return {
    columns: pipeline.columns.map(({ name, type }) => ({ name, type })),
    rows: out.rows,
    truncated: out.truncated,
  };
}
