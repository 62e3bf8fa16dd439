/**
 * The logs API's wire contract, shared by the server (`emulator/logs/routes.ts`), the CLI and the
 * dashboard (re-exported through `emulator/admin/contract.ts`). Types and plain constants only: no
 * Node, no DOM. Routes are relative to the admin API root (`/_sessionite/api`).
 */

export const logsRoutes = {
  /** POST `LogsQueryRequest` → `LogsQueryResponse`, or 400 `LogsQueryErrorBody`. */
  query: () => '/logs/query',
  /** GET, server-sent events of `TailBatch` (filters: `TailFilter` as query parameters). */
  tail: () => '/logs/tail',
  /** GET → `LogsStats`. */
  stats: () => '/logs/stats',
} as const;

export interface LogsQueryRequest {
  /** KQL, e.g. `AppEnvSessionConsoleLogs_CL | where TimeGenerated > ago(1h) | take 100`. */
  query: string;
  /** Result rows beyond this are cut and `truncated` set (default and upper bound 30,000). */
  maxRows?: number;
}

export interface LogsQueryColumn {
  name: string;
  type: 'string' | 'datetime' | 'long' | 'real' | 'bool' | 'timespan';
}

/**
 * Rows hold values in column order, as Log Analytics' query API returns them: datetimes as ISO 8601
 * strings (`2026-01-02T03:04:05.123Z`), timespans as `[d.]hh:mm:ss[.fffffff]`, numbers, booleans, null.
 */
export interface LogsQueryResponse {
  columns: LogsQueryColumn[];
  rows: unknown[][];
  truncated: boolean;
  /** Milliseconds the query took on the server. */
  elapsedMs: number;
}

/**
 * A query Kusto cannot run: 400 with the shape of Log Analytics' query API (`BadArgumentError` with an
 * inner `SyntaxError` or `SemanticError`) and the position of the problem.
 */
export interface LogsQueryErrorBody {
  error: {
    code: 'BadArgumentError';
    message: string;
    innererror: {
      code: 'SyntaxError' | 'SemanticError';
      message: string;
      /** 1-based line and column, 0-based `pos` within the line (as Log Analytics), 0-based `offset` in the text. */
      line: number;
      column: number;
      pos: number;
      offset: number;
      /** What is supported at that point, when known. */
      expected?: string;
    };
  };
}

/** Severity names in `Level_s`, lowest first; the tail's `level` filter is a minimum. */
export const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `stdout` and `stderr` are the container's; `system` lines are Sessionite's notes (drops, retention). */
export type LogStream = 'stdout' | 'stderr' | 'system';

/** Live-tail filters (query parameters of `logsRoutes.tail()`); all optional, combined with AND. */
export interface TailFilter {
  pool?: string;
  /** The session identifier (exact). */
  identifier?: string;
  stream?: LogStream;
  /** Minimum level: `warning` passes warning, error and critical. */
  level?: LogLevel;
  /** Case-insensitive substring of the text. */
  contains?: string;
  /** Recent matching records sent first (default 100, at most 10,000; 0 for none). */
  tail?: number;
  /** Resume after this `seq` (a reconnect): the records after it are sent first instead of `tail`. */
  after?: number;
}

/** One console record as the tail sends it: the table's columns, plus its position in the store. */
export interface TailRecord {
  seq: number;
  TimeGenerated: string;
  SessionPoolName_s: string;
  SessionId_s: string;
  ContainerId_s: string;
  ContainerName_s: string;
  Stream_s: LogStream;
  Level_s: LogLevel;
  Log_s: string;
}

/**
 * One `data:` message of the tail (its SSE `id:` is the last record's seq). Messages are batched
 * (about ten a second); `skipped` counts matching records left out because the client fell behind.
 */
export interface TailBatch {
  replay: boolean;
  records: TailRecord[];
  skipped: number;
}

export interface LogsStats {
  records: { console: number; lifecycle: number; poolEvents: number };
  /** Bytes of the segment files on disk. */
  bytes: number;
  segments: number;
  oldest: string | null;
  newest: string | null;
  retention: { maxBytes: number; maxAgeMs: number };
  /** Records removed by retention and lines dropped by capture since the store was created. */
  dropped: { retention: number; capture: number };
}
