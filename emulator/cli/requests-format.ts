import type { ExchangeRecord, HeaderMap, RecordSummary, RecorderState, ReplayResult, StoredBody } from '../traffic/types.js';

/** `--output table`: for people. JSON (the default) is for scripts and is printed as the API answered. */

function pad(cells: string[][]): string {
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0))) ?? [];
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}

function clock(iso: string): string {
  return iso.slice(11, 23);
}

export function formatList(items: RecordSummary[], total: number, nextBefore?: number): string {
  if (items.length === 0) return 'No recorded requests match.\n';
  const rows = [['ID', 'TIME', 'KIND', 'METHOD', 'STATUS', 'MS', 'POOL', 'IDENTIFIER', 'PATH']];
  for (const s of items) {
    const status = `${s.status || '-'}${s.errorCode ? ` ${s.errorCode}` : ''}${s.outcome === 'aborted' ? ' aborted' : ''}`;
    const path = `${s.target ?? s.path}${s.replayOf ? `  (replay of #${s.replayOf})` : ''}${s.upgrade ? `  [${s.upgrade}]` : ''}`;
    rows.push([s.id, clock(s.time), s.kind, s.method, status, String(Math.round(s.totalMs)), s.pool ?? '', s.identifier ?? '', path]);
  }
  const more = nextBefore === undefined ? '' : `… more: --before ${nextBefore}\n`;
  return pad(rows) + `${items.length} of ${total} shown\n` + more;
}

function headerLines(headers: HeaderMap): string {
  return Object.entries(headers)
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `  ${name}: ${v}\n`))
    .join('');
}

function bodyText(body: StoredBody): string {
  if (body.size === 0) return '  (empty)\n';
  if (body.omitted) return `  (${body.size} bytes, not stored: ${body.omitted})\n`;
  const note = `${body.size} bytes${body.truncated ? ', truncated' : ''}${body.incomplete ? ', incomplete' : ''}${body.decoded ? `, ${body.decoded}-decoded` : ''}`;
  if (body.encoding === 'base64') return `  (${note}, binary: use --output json for the base64 data)\n`;
  let text = body.data;
  try {
    text = JSON.stringify(JSON.parse(body.data), null, 2);
  } catch {
    // Not JSON: as stored.
  }
  return `  (${note})\n${text.replace(/^/gm, '  ')}\n`;
}

export function formatRecord(r: ExchangeRecord): string {
  const t = r.timing;
  const timing = [
    t.waitMs !== undefined && `wait ${t.waitMs} ms${r.cold ? ' (cold start)' : ''}`,
    t.connectMs !== undefined && `connect ${t.connectMs} ms`,
    t.ttfbMs !== undefined && `first byte ${t.ttfbMs} ms`,
    `total ${t.totalMs} ms`,
  ].filter(Boolean);
  const lines = [
    `#${r.id}  ${r.time}  ${r.kind}${r.replayOf ? `  replay of #${r.replayOf}` : ''}${r.imported ? '  imported' : ''}`,
    `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}  →  ${r.status || 'no response'}${r.errorCode ? ` ${r.errorCode}` : ''}${r.outcome === 'aborted' ? ' (aborted)' : ''}`,
    [r.pool && `pool ${r.pool}`, r.identifier && `identifier ${r.identifier}`, r.sessionId && `session ${r.sessionId}`, r.allocated && 'allocated by this request']
      .filter(Boolean)
      .join(', '),
    timing.join(', '),
    r.redactions.length ? `redacted: ${r.redactions.join(', ')}` : '',
  ].filter((line) => line !== '');
  return `${lines.join('\n')}\n\nRequest headers\n${headerLines(r.requestHeaders)}Request body\n${bodyText(r.requestBody)}\nResponse headers\n${headerLines(r.responseHeaders)}Response body\n${bodyText(r.responseBody)}`;
}

export function formatReplay(result: ReplayResult): string {
  const warnings = result.warnings.map((w) => `  warning: ${w}\n`).join('');
  if (!result.replay) return `${result.original ? `#${result.original}` : 'entry'}: not replayed: ${result.error ?? 'unknown error'}\n${warnings}`;
  const r = result.replay;
  const c = result.comparison;
  let line = `${result.original ? `#${result.original} → ` : ''}#${r.id}  ${r.method} ${r.target ?? r.path}  ${r.status}`;
  if (r.identifier) line += `  identifier ${r.identifier}`;
  if (!c) return `${line}\n${warnings}`;
  const changed = c.headers.changes.filter((h) => !h.volatile).map((h) => h.name);
  line += `  (was ${c.status.a}); body ${c.body.equal ? 'equal' : `differs: +${c.body.added} -${c.body.removed} lines`}`;
  line += changed.length ? `; headers changed: ${changed.join(', ')}` : '';
  return `${line}\n${warnings}${c.body.equal ? '' : c.body.patch.replace(/^/gm, '  ') + '\n'}`;
}

export function formatState(state: RecorderState): string {
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return (
    `recording ${state.enabled ? 'on' : 'paused'}; ${state.records} record(s), ${mb(state.bytes)}` +
    `${state.oldest ? ` from ${state.oldest} to ${state.newest}` : ''}\n` +
    `limits: ${state.limits.maxRecords} records, ${mb(state.limits.maxBytes)}, ${Math.round(state.limits.maxAgeMs / 3_600_000)} h; bodies up to ${mb(state.limits.bodyCapBytes)}\n`
  );
}
