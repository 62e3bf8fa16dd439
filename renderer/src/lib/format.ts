/** "4m 05s", "1h 02m", "12s"; negative durations read as 0s. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** "12s ago", "3m ago", or the local time of day for older moments. */
export function formatAgo(iso: string, now: number): string {
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return '—';
  const ms = now - time;
  if (ms < 0) return 'just now';
  if (ms < 60 * 60_000) return `${formatDuration(ms)} ago`;
  return new Date(time).toLocaleTimeString();
}

export function formatTime(time: number): string {
  return new Date(time).toLocaleTimeString();
}

/** How times are shown: the browser's zone or UTC (a toggle in the Requests and Logs views). */
export type TimeZoneMode = 'local' | 'utc';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function parts(time: number, zone: TimeZoneMode): { date: string; clock: string } {
  const d = new Date(time);
  const utc = zone === 'utc';
  const y = utc ? d.getUTCFullYear() : d.getFullYear();
  const mo = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
  const day = utc ? d.getUTCDate() : d.getDate();
  const h = utc ? d.getUTCHours() : d.getHours();
  const mi = utc ? d.getUTCMinutes() : d.getMinutes();
  const s = utc ? d.getUTCSeconds() : d.getSeconds();
  const ms = utc ? d.getUTCMilliseconds() : d.getMilliseconds();
  return { date: `${y}-${pad(mo)}-${pad(day)}`, clock: `${pad(h)}:${pad(mi)}:${pad(s)}.${pad(ms, 3)}` };
}

/** `14:03:07.123` in the chosen zone; '—' for a time that does not parse. */
export function formatClock(time: string | number, zone: TimeZoneMode): string {
  const ms = typeof time === 'number' ? time : Date.parse(time);
  return Number.isFinite(ms) ? parts(ms, zone).clock : '—';
}

/** `2026-01-02 14:03:07.123` (local) or `2026-01-02 14:03:07.123Z` (UTC). */
export function formatDateTime(time: string | number, zone: TimeZoneMode): string {
  const ms = typeof time === 'number' ? time : Date.parse(time);
  if (!Number.isFinite(ms)) return typeof time === 'string' ? time : '—';
  const { date, clock } = parts(ms, zone);
  return `${date} ${clock}${zone === 'utc' ? 'Z' : ''}`;
}

/** `812 B`, `12.4 KiB`, `64.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes))} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** `12 ms`, `1.24 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** `1,234`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
