/** How much the log store keeps. Oldest segments go first; the drop itself is recorded. */
export interface RetentionOptions {
  /** Bytes of segment files on disk (memory use is about 1.5× this). Default 100 MiB. */
  maxBytes: number;
  /** Records older than this are removed (checked every minute). Default 7 days. */
  maxAgeMs: number;
  /** Size at which a segment is closed and a new one started. Default maxBytes / 8, within 64 KiB–16 MiB. */
  segmentBytes: number;
}

const MiB = 1024 * 1024;

/**
 * Defaults, overridable by `SESSIONITE_LOGS_MAX_MB` and `SESSIONITE_LOGS_MAX_AGE_HOURS` (read once,
 * at construction), then by explicit options.
 */
export function resolveRetention(
  options: Partial<RetentionOptions> = {},
  env: Record<string, string | undefined> = process.env,
): RetentionOptions {
  const envBytes = positive(env.SESSIONITE_LOGS_MAX_MB);
  const envAge = positive(env.SESSIONITE_LOGS_MAX_AGE_HOURS);
  const maxBytes = options.maxBytes ?? (envBytes === undefined ? 100 * MiB : envBytes * MiB);
  const maxAgeMs = options.maxAgeMs ?? (envAge === undefined ? 7 * 24 * 3_600_000 : envAge * 3_600_000);
  const segmentBytes =
    options.segmentBytes ?? Math.min(16 * MiB, Math.max(64 * 1024, Math.floor(maxBytes / 8)));
  return { maxBytes, maxAgeMs, segmentBytes };
}

function positive(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && text !== '' && Number.isFinite(value) && value > 0 ? value : undefined;
}

export interface DropSummary {
  console: number;
  lifecycle: number;
  poolEvents: number;
  /** Newest record time among the dropped segments. */
  upTo: number;
  reason: 'size' | 'age';
}

/** The text of the record that says what retention removed. */
export function retentionNote(drop: DropSummary, options: RetentionOptions): string {
  const total = drop.console + drop.lifecycle + drop.poolEvents;
  const upTo = Number.isFinite(drop.upTo) ? ` written up to ${new Date(drop.upTo).toISOString()}` : '';
  const why =
    drop.reason === 'size'
      ? `the log store exceeded its size limit of ${formatBytes(options.maxBytes)}`
      : `they were older than ${formatAge(options.maxAgeMs)}`;
  return (
    `Retention removed ${total} records (${drop.console} console, ${drop.lifecycle} lifecycle, ` +
    `${drop.poolEvents} pool events)${upTo}: ${why}.`
  );
}

function formatBytes(bytes: number): string {
  return bytes >= MiB ? `${+(bytes / MiB).toFixed(1)} MiB` : `${+(bytes / 1024).toFixed(1)} KiB`;
}

function formatAge(ms: number): string {
  return ms >= 86_400_000 ? `${+(ms / 86_400_000).toFixed(1)} days` : `${+(ms / 3_600_000).toFixed(2)} hours`;
}
