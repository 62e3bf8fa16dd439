import { parseArgs } from 'node:util';
import { CONSOLE_LOGS_TABLE } from '../logs/kql/tables.js';
import { logsRoutes, type LogsQueryResponse, type TailBatch } from '../logs/contract.js';
import { adminEvents, adminJson, errorMessage, findAdminApi, type AdminTarget } from './logs-client.js';
import { jsonRows, recordLine, rowsAsRecords, textTable } from './logs-output.js';

export const LOGS_USAGE = `  logs    Print session console logs from the running emulator
          --pool <name>        only this pool
          --identifier <id>    only this session identifier
          --follow, -f         keep printing new lines (live tail) until interrupted
          --query, -q <KQL>    run a KQL query instead (e.g. over AppEnvSessionLifecycleLogs)
          --take <n>           how many recent lines (default 100)
          --output, -o json|table   json: one object per line (default table)
          --token <token>      admin token (or SESSIONITE_ADMIN_TOKEN) when the emulator listens beyond loopback
`;

/** A KQL string literal. */
export function kqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The query `sessionite logs` runs without `--query`: the newest lines, printed oldest first. */
export function recentLinesQuery(filter: { pool?: string; identifier?: string }, take: number): string {
  const conditions = [
    ...(filter.pool === undefined ? [] : [`SessionPoolName_s == ${kqlString(filter.pool)}`]),
    ...(filter.identifier === undefined ? [] : [`SessionId_s == ${kqlString(filter.identifier)}`]),
  ];
  return [
    CONSOLE_LOGS_TABLE,
    ...(conditions.length ? [`| where ${conditions.join(' and ')}`] : []),
    `| top ${take} by TimeGenerated desc`,
    '| order by TimeGenerated asc',
  ].join('\n');
}

/**
 * `sessionite logs [--pool] [--identifier] [--follow] [--query '<KQL>'] [--output json|table]`:
 * reads the running emulator's log store through its admin API (found like the other commands:
 * the data folder's emulator.json, or --endpoint).
 */
export async function logsCommand(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      pool: { type: 'string' },
      identifier: { type: 'string' },
      follow: { type: 'boolean', short: 'f', default: false },
      query: { type: 'string', short: 'q' },
      take: { type: 'string', default: '100' },
      output: { type: 'string', short: 'o', default: 'table' },
      'data-dir': { type: 'string' },
      endpoint: { type: 'string' },
      token: { type: 'string' },
      ca: { type: 'string' },
    },
    strict: true,
  });
  const output = values.output;
  if (output !== 'json' && output !== 'table') throw new Error("--output must be 'json' or 'table'");
  const take = Number(values.take);
  if (!Number.isInteger(take) || take < 0 || take > 30_000)
    throw new Error('--take must be a whole number from 0 to 30000');
  if (values.follow && values.query !== undefined)
    throw new Error('--follow tails console lines; it cannot be combined with --query');
  const target = await findAdminApi({
    dataDir: values['data-dir'],
    endpoint: values.endpoint,
    token: values.token,
    ca: values.ca,
  });
  const filter = { pool: values.pool, identifier: values.identifier };
  if (values.follow) return follow(target, filter, take, output, out);
  const query = values.query ?? recentLinesQuery(filter, take);
  const { status, body } = await adminJson(target, logsRoutes.query(), 'POST', { query });
  if (status !== 200) throw new Error(errorMessage(body) ?? `the emulator answered ${status}`);
  const result = body as LogsQueryResponse;
  if (output === 'json') out(jsonRows(result.columns, result.rows));
  else if (values.query === undefined)
    out(
      rowsAsRecords(result.columns, result.rows)
        .map((r) => recordLine(r) + '\n')
        .join(''),
    );
  else out(textTable(result.columns, result.rows));
  if (result.truncated)
    process.stderr.write(`sessionite: the result was cut at ${result.rows.length} rows\n`);
}

async function follow(
  target: AdminTarget,
  filter: { pool?: string; identifier?: string },
  take: number,
  output: 'json' | 'table',
  out: (text: string) => void,
): Promise<void> {
  const params = new URLSearchParams({ tail: String(take) });
  if (filter.pool !== undefined) params.set('pool', filter.pool);
  if (filter.identifier !== undefined) params.set('identifier', filter.identifier);
  await adminEvents(target, `${logsRoutes.tail()}?${params.toString()}`, (data) => {
    const batch = JSON.parse(data) as TailBatch;
    if (batch.skipped > 0)
      process.stderr.write(`sessionite: ${batch.skipped} lines skipped (the terminal fell behind)\n`);
    const lines = batch.records.map(
      (record) => (output === 'json' ? JSON.stringify(record) : recordLine(record)) + '\n',
    );
    if (lines.length) out(lines.join(''));
  });
}
