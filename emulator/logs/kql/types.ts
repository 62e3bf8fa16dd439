/**
 * Public types of the KQL subset engine. Values inside the engine use plain JS representations:
 * string → string, long/real → number, bool → boolean, datetime → epoch milliseconds (number),
 * timespan → milliseconds (number). A missing value is `null` (strings are never null: missing → '').
 */
export type KqlType = 'string' | 'datetime' | 'long' | 'real' | 'bool' | 'timespan';

/** Column name → type, in display order. */
export type TableSchema = Readonly<Record<string, KqlType>>;

/** A record as a source stores it: column name → value (see the value representation above). */
export type Row = Readonly<Record<string, unknown>>;

/**
 * Advisory pre-filter a source may use to skip rows (e.g. a time-range or pool index). Hints are
 * derived only from the leading `where` operators' top-level `and` conjuncts, and the executor
 * still evaluates the full predicate on every row it receives. So a source may ignore hints or
 * apply them loosely, but must return a SUPERSET of the rows that satisfy them.
 */
export interface ScanHints {
  /** Rows with `TimeGenerated` < timeFrom can be skipped (inclusive bound). */
  readonly timeFrom?: number;
  /** Rows with `TimeGenerated` > timeTo can be skipped (inclusive bound). */
  readonly timeTo?: number;
  /** Rows whose string column differs (case-sensitively) from the value can be skipped. */
  readonly equals: ReadonlyMap<string, string>;
}

/**
 * Rows a source may hand over push-style: `forEachRow` calls `push` for each row in store order and
 * stops when it returns false. Big scans run several times faster this way than through an iterator.
 */
export interface PushRows extends Iterable<Row> {
  forEachRow(push: (row: Row) => boolean): void;
}

export interface KqlSource {
  /** Rows of a table in store order (optionally `PushRows`), or undefined when the table does not exist. */
  table(name: string, hints?: ScanHints): Iterable<Row> | undefined;
  /** The value of `now()` for the whole query (evaluated once, as in Kusto). */
  now(): number;
  /** Table schemas; defaults to the built-in Sessionite tables (`KQL_TABLES`). */
  readonly schemas?: Readonly<Record<string, TableSchema>>;
}

export interface ExecuteOptions {
  /** Result rows beyond this are dropped and `truncated` is set. Default 30,000 (the portal's cap). */
  readonly maxRows?: number;
}

export interface ResultColumn {
  readonly name: string;
  readonly type: KqlType;
}

export interface KqlResult {
  readonly columns: ResultColumn[];
  /** One array per row, values in column order; datetimes and timespans as milliseconds. */
  readonly rows: unknown[][];
  readonly truncated: boolean;
}
