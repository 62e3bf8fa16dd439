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
