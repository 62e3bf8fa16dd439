import type { KqlType, TableSchema } from './types.js';

/**
 * Schemas of the log tables Sessionite emulates (see docs: aca-dynamic-sessions §2).
 *
 * `AppEnvSessionConsoleLogs_CL` is a Log Analytics *custom* table, so every column except the
 * system ones (`TimeGenerated`, `_ResourceId`) carries a type suffix (`_s` = string), like the real
 * `ContainerAppConsoleLogs_CL`. The real column names are not documented; we mirror the platform
 * tables' `SessionPoolName` as `SessionPoolName_s` so one pool filter reads the same in all three
 * tables, and `SessionId_s` holds the session identifier (the `?identifier=` value).
 *
 * The two platform tables use the documented columns; the lifecycle table adds `SessionId` (the
 * identifier a session was allocated to) because that is what users filter allocation events by.
 */
export const CONSOLE_LOGS_TABLE = 'AppEnvSessionConsoleLogs_CL';
export const LIFECYCLE_LOGS_TABLE = 'AppEnvSessionLifecycleLogs';
export const POOL_EVENT_LOGS_TABLE = 'AppEnvSessionPoolEventLogs';

export const consoleLogsSchema = {
  TimeGenerated: 'datetime',
  SessionPoolName_s: 'string',
  SessionId_s: 'string',
  ContainerId_s: 'string',
  ContainerName_s: 'string',
  ContainerImage_s: 'string',
  /** `stdout` or `stderr`; `system` for Sessionite's own notes (lines dropped, records removed by retention). */
  Stream_s: 'string',
  /**
   * `debug`, `info`, `warning`, `error` or `critical`, inferred from the line (a leading level word,
   * `level=…`, a JSON `level` field); otherwise `info` for stdout and `error` for stderr lines.
   */
  Level_s: 'string',
  Log_s: 'string',
  _ResourceId: 'string',
} as const satisfies TableSchema;

export const lifecycleLogsSchema = {
  TimeGenerated: 'datetime',
  SessionPoolName: 'string',
  SessionId: 'string',
  OperationName: 'string',
  Log: 'string',
  Level: 'string',
  Location: 'string',
  NodeName: 'string',
  PodName: 'string',
  _ResourceId: 'string',
} as const satisfies TableSchema;

export const poolEventLogsSchema = {
  TimeGenerated: 'datetime',
  SessionPoolName: 'string',
  OperationName: 'string',
  Log: 'string',
  Level: 'string',
  Location: 'string',
  NodeName: 'string',
  PodName: 'string',
  _ResourceId: 'string',
} as const satisfies TableSchema;

export const KQL_TABLES: Readonly<Record<string, TableSchema>> = {
  [CONSOLE_LOGS_TABLE]: consoleLogsSchema,
  [LIFECYCLE_LOGS_TABLE]: lifecycleLogsSchema,
  [POOL_EVENT_LOGS_TABLE]: poolEventLogsSchema,
};

/** The JS representation of a KQL type (datetime = epoch ms, timespan = ms). */
export interface KqlValueOf {
  string: string;
  datetime: number;
  long: number;
  real: number;
  bool: boolean;
  timespan: number;
}

/** The record type a store keeps for a schema, e.g. `RowOf<typeof consoleLogsSchema>`. */
export type RowOf<S extends Record<string, KqlType>> = { [K in keyof S]: KqlValueOf[S[K]] };

export type ConsoleLogRow = RowOf<typeof consoleLogsSchema>;
export type LifecycleLogRow = RowOf<typeof lifecycleLogsSchema>;
export type PoolEventLogRow = RowOf<typeof poolEventLogsSchema>;
