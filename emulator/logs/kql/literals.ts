/** Parsing and formatting of datetime and timespan values (ms since epoch / ms). */

const MS_PER_DAY = 86_400_000;

export const TIMESPAN_UNITS: Readonly<Record<string, number>> = {
  d: MS_PER_DAY,
  day: MS_PER_DAY,
  days: MS_PER_DAY,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  microsecond: 0.001,
  microseconds: 0.001,
  tick: 0.0001,
  ticks: 0.0001,
};

export const TIMESPAN_UNIT_LIST =
  'd, h, m, s, ms (also day(s), hour(s), min, minute(s), sec, second(s), tick)';

const NUMBER_WITH_UNIT = /^([+-]?)(\d+(?:\.\d+)?)\s*([a-z]+)$/;
const CLOCK = /^([+-]?)(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;

/** `1h`, `1.5h`, `-30m`, `01:30:00`, `2.01:30:00.5` → ms; undefined when malformed. */
export function parseTimespanText(raw: string): number | undefined {
  const text = raw.trim();
  const unit = NUMBER_WITH_UNIT.exec(text);
  if (unit) {
    const factor = TIMESPAN_UNITS[unit[3] ?? ''];
    if (factor === undefined) return undefined;
    const value = Number(unit[2]) * factor;
    return unit[1] === '-' ? -value : value;
  }
  const clock = CLOCK.exec(text);
  if (!clock) return undefined;
  const [, sign, days, hours, minutes, seconds, fraction] = clock;
  const value =
    Number(days ?? 0) * MS_PER_DAY +
    Number(hours) * 3_600_000 +
    Number(minutes) * 60_000 +
    Number(seconds ?? 0) * 1000 +
    Number(`0.${fraction ?? '0'}`) * 1000;
  return sign === '-' ? -value : value;
}

const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * ISO-8601 text → epoch ms; a value without a zone is UTC (as in Kusto). Fractions beyond
 * milliseconds are truncated. Undefined when malformed or out of range.
 */
export function parseDatetimeText(raw: string): number | undefined {
  const match = DATETIME.exec(raw.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = match;
  const ms = fraction === '' ? '' : `.${fraction.slice(1, 4).padEnd(3, '0')}`;
  const offset =
    zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const value = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${offset}`);
  if (Number.isNaN(value)) return undefined;
  // Date.parse rolls 2026-02-31 over to March; Kusto rejects it.
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  return check.getUTCDate() === Number(d) ? value : undefined;
}

/** `2026-01-01T00:00:00Z`, with `.fff` only when there are milliseconds. */
export function formatDatetime(ms: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** Kusto's timespan text: `[-][d.]hh:mm:ss[.fffffff]`. */
export function formatTimespan(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / MS_PER_DAY);
  rest -= days * MS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const ticks = Math.round((rest - seconds * 1000) * 10_000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const dayPart = days > 0 ? `${days}.` : '';
  const fraction = ticks > 0 ? `.${String(ticks).padStart(7, '0')}` : '';
  return `${sign}${dayPart}${pad(hours)}:${pad(minutes)}:${pad(seconds)}${fraction}`;
}
