import express, { Router, type Request, type Response } from 'express';
import { sendAdminError, sendJson } from '../admin/respond.js';
import {
  LOG_LEVELS,
  logsRoutes,
  type LogLevel,
  type LogsQueryErrorBody,
  type LogsQueryRequest,
  type LogsQueryResponse,
  type LogsStats,
  type LogStream,
  type TailFilter,
} from './contract.js';
import {
  DEFAULT_MAX_ROWS,
  executeKql,
  formatTimespan,
  KqlError,
  parseKql,
  type KqlResult,
} from './kql/index.js';
import type { LogStore } from './store.js';
import { isoTime, type LogTail } from './tail.js';

/**
 * The logs routes, relative to the admin API root and answered in its conventions (JSON bodies,
 * `{"error":{code,message}}`, `cache-control: no-store`). A query problem is a 400 in Log
 * Analytics' error shape with the position; no query — however malformed — can crash the server.
 */
export function logsApiRouter(store: LogStore, tail: LogTail): Router {
  const router = Router();
  router.use(logsRoutes.query(), express.json({ limit: '1mb' }));

  router.post(logsRoutes.query(), (req: Request, res: Response) => {
    const body = req.body as Partial<LogsQueryRequest> | undefined;
    if (!body || typeof body.query !== 'string' || body.query.trim() === '') {
      sendAdminError(
        res,
        400,
        'InvalidRequest',
        'Send {"query": "<KQL>"}, e.g. {"query": "AppEnvSessionConsoleLogs_CL | take 10"}.',
      );
      return;
    }
    const maxRows =
      typeof body.maxRows === 'number' && body.maxRows >= 0
        ? Math.min(body.maxRows, DEFAULT_MAX_ROWS)
        : DEFAULT_MAX_ROWS;
    runQuery(res, store, body.query, maxRows);
  });

  router.get(logsRoutes.tail(), (req: Request, res: Response) => {
    const filter = tailFilter(req);
    if (typeof filter === 'string') {
      sendAdminError(res, 400, 'InvalidRequest', filter);
      return;
    }
    tail.connect(res, filter);
  });

  router.get(logsRoutes.stats(), (_req, res) => sendJson<LogsStats>(res, 200, store.stats()));
  return router;
}

function runQuery(res: Response, store: LogStore, text: string, maxRows: number): void {
  const started = performance.now();
  let phase: 'SyntaxError' | 'SemanticError' = 'SyntaxError';
  try {
    const query = parseKql(text);
    phase = 'SemanticError';
    const result = executeKql(query, store.source(), { maxRows });
    sendJson<LogsQueryResponse>(res, 200, {
      ...toWire(result),
      elapsedMs: Math.round(performance.now() - started),
    });
  } catch (error) {
    if (error instanceof KqlError) {
      res.set('x-ms-error-code', 'BadArgumentError');
      sendJson<LogsQueryErrorBody>(res, 400, kqlErrorBody(error, phase));
      return;
    }
    sendAdminError(
      res,
      500,
      'InternalError',
      `The query failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function kqlErrorBody(error: KqlError, code: 'SyntaxError' | 'SemanticError'): LogsQueryErrorBody {
  const { line, column, offset } = error.position;
  return {
    error: {
      code: 'BadArgumentError',
      message: `The query could not be run: ${error.message}`,
      innererror: {
        code,
        message: error.message,
        line,
        column,
        pos: column - 1,
        offset,
        ...(error.expected === undefined ? {} : { expected: error.expected }),
      },
    },
  };
}

/** Datetimes become ISO strings and timespans Kusto text, as Log Analytics' query API returns them. */
function toWire(result: KqlResult): Omit<LogsQueryResponse, 'elapsedMs'> {
  const convert = result.columns.map((c) =>
    c.type === 'datetime'
      ? (v: unknown) => (typeof v === 'number' ? isoTime(v) : v)
      : c.type === 'timespan'
        ? (v: unknown) => (typeof v === 'number' ? formatTimespan(v) : v)
        : undefined,
  );
  const rows = convert.some((f) => f !== undefined)
    ? result.rows.map((row) => row.map((v, i) => convert[i]?.(v) ?? v))
    : result.rows;
  return { columns: result.columns, rows, truncated: result.truncated };
}

const STREAM_NAMES: readonly string[] = ['stdout', 'stderr', 'system'];

/** The tail's query parameters, or a message saying what is wrong with them. */
function tailFilter(req: Request): TailFilter | string {
  const q = (name: string): string | undefined => {
    const value = req.query[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const stream = q('stream');
  if (stream !== undefined && !STREAM_NAMES.includes(stream))
    return `stream must be one of ${STREAM_NAMES.join(', ')}`;
  const level = q('level');
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level))
    return `level must be one of ${LOG_LEVELS.join(', ')}`;
  const tail = q('tail');
  const after =
    q('after') ??
    (typeof req.headers['last-event-id'] === 'string' ? req.headers['last-event-id'] : undefined);
  for (const [name, value] of [
    ['tail', tail],
    ['after', after],
  ] as const) {
    if (value !== undefined && !/^\d+$/.test(value)) return `${name} must be a whole number`;
  }
  return {
    pool: q('pool'),
    identifier: q('identifier'),
    stream: stream as LogStream | undefined,
    level: level as LogLevel | undefined,
    contains: q('contains'),
    tail: tail === undefined ? undefined : Number(tail),
    after: after === undefined ? undefined : Number(after),
  };
}
