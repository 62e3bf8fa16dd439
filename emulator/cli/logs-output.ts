import type { LogsQueryColumn, TailRecord } from '../logs/contract.js';

/** Terminal control characters in log text would move the cursor or recolour the terminal. */
function printable(value: unknown): string {
  const text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\uFFFD');
}

/** One JSON object per row, keyed by column name (NDJSON), for `--output json`. */
export function jsonRows(columns: readonly LogsQueryColumn[], rows: readonly unknown[][]): string {
  return (
    rows
      .map((row) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c.name, row[i]]))))
      .join('\n') + (rows.length ? '\n' : '')
  );
}

/** An aligned text table; the last column is never padded (it is usually the long log text). */
export function textTable(columns: readonly LogsQueryColumn[], rows: readonly unknown[][]): string {
  const cells = rows.map((row) => columns.map((_, i) => printable(row[i])));
  const widths = columns.map((c, i) =>
    Math.min(60, Math.max(c.name.length, ...cells.map((r) => (r[i] as string).length))),
  );
  const line = (values: string[]): string =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.name)), ...cells.map(line)].join('\n') + '\n';
}

/** A console line as `sessionite logs` prints it: time, pool/identifier, stream, level, text. */
export function recordLine(
  record: Pick<
    TailRecord,
    'TimeGenerated' | 'SessionPoolName_s' | 'SessionId_s' | 'Stream_s' | 'Level_s' | 'Log_s'
  >,
): string {
  const who = record.SessionPoolName_s
    ? `${record.SessionPoolName_s}/${record.SessionId_s || '-'}`
    : 'sessionite';
  return `${record.TimeGenerated}  ${who}  ${record.Stream_s.padEnd(6)}  ${record.Level_s.padEnd(8)}  ${printable(record.Log_s)}`;
}

/** Rows of the console table's columns (as the default query returns them) as records. */
export function rowsAsRecords(columns: readonly LogsQueryColumn[], rows: readonly unknown[][]): TailRecord[] {
  const index = new Map(columns.map((c, i) => [c.name, i]));
  const get = (row: readonly unknown[], name: string): string => {
    const i = index.get(name);
    const value = i === undefined ? '' : row[i];
    return typeof value === 'string' ? value : '';
  };
  return rows.map((row) => ({
    seq: 0,
    TimeGenerated: get(row, 'TimeGenerated'),
    SessionPoolName_s: get(row, 'SessionPoolName_s'),
    SessionId_s: get(row, 'SessionId_s'),
    ContainerId_s: get(row, 'ContainerId_s'),
    ContainerName_s: get(row, 'ContainerName_s'),
    Stream_s: get(row, 'Stream_s') as TailRecord['Stream_s'],
    Level_s: get(row, 'Level_s') as TailRecord['Level_s'],
    Log_s: get(row, 'Log_s'),
  }));
}
