/**
 * Where capture stands in one container's output, so a reader that re-attaches (the engine
 * connection dropped, the emulator restarted) neither repeats nor skips lines. Engines' `since` is
 * inclusive and several entries can share one nanosecond timestamp, so the cursor keeps the last
 * timestamp *and* how many entries with exactly that timestamp were taken: a resumed reader skips
 * everything before it and that many entries at it.
 */
export interface CaptureCursor {
  /** RFC3339Nano of the last entry taken ('' before the first). */
  timestamp: string;
  /** Entries taken whose timestamp equals `timestamp`. */
  atTimestamp: number;
}

export const START_CURSOR: CaptureCursor = { timestamp: '', atTimestamp: 0 };

/** Engine timestamp → [epoch ms (fractional), nanoseconds within the ms] without losing precision. */
export class TimestampParser {
  private lastPrefix = '';
  private lastSeconds = 0;

  /** Epoch milliseconds with microseconds as the fraction; NaN when unparseable. */
  ms(timestamp: string): number {
    // `2026-01-02T03:04:05` repeats for every line of a second: parse it once.
    const prefix = timestamp.slice(0, 19);
    if (prefix !== this.lastPrefix || !timestamp.endsWith('Z')) {
      const match = /^(.*?)(?:\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
      const seconds = match ? Date.parse(`${match[1]}${match[2]}`) : NaN;
      if (!timestamp.endsWith('Z')) return seconds + fraction(timestamp);
      this.lastPrefix = prefix;
      this.lastSeconds = seconds;
    }
    return this.lastSeconds + fraction(timestamp);
  }
}

/** The fractional seconds of a timestamp, in milliseconds rounded to microseconds. */
function fraction(timestamp: string): number {
  const dot = timestamp.indexOf('.', 19);
  if (dot < 0) return 0;
  let end = dot + 1;
  while (end < timestamp.length && timestamp.charCodeAt(end) >= 48 && timestamp.charCodeAt(end) <= 57) end++;
  const digits = timestamp.slice(dot + 1, Math.min(end, dot + 7)).padEnd(6, '0');
  return Number(digits) / 1000;
}

/** Orders RFC3339Nano timestamps by time; equal-length UTC strings compare as text (the fast case). */
export function compareTimestamps(a: string, b: string): number {
  if (a.length === b.length && a.endsWith('Z') && b.endsWith('Z')) return a < b ? -1 : a > b ? 1 : 0;
  const [ams, ans] = precise(a);
  const [bms, bns] = precise(b);
  return ams !== bms ? Math.sign(ams - bms) : Math.sign(ans - bns);
}

function precise(timestamp: string): [number, number] {
  const match = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
  if (!match) return [NaN, 0];
  return [Date.parse(`${match[1]}${match[3]}`), Number((match[2] ?? '').padEnd(9, '0').slice(0, 9))];
}

/**
 * Filters a resumed reader's entries against the cursor and advances it. `begin` must be called
 * when a reader (re)attaches; `take` then says whether an entry is new.
 */
export class CursorTracker {
  private timestamp: string;
  private atTimestamp: number;
  private skipAtTimestamp = 0;

  constructor(cursor: CaptureCursor) {
    this.timestamp = cursor.timestamp;
    this.atTimestamp = cursor.atTimestamp;
  }

  /** A copy of where the tracker stands (it advances in place, one entry at a time). */
  get cursor(): CaptureCursor {
    return { timestamp: this.timestamp, atTimestamp: this.atTimestamp };
  }

  begin(): void {
    this.skipAtTimestamp = this.atTimestamp;
  }

  take(timestamp: string): boolean {
    if (this.timestamp !== '' && timestamp !== '') {
      const order = compareTimestamps(timestamp, this.timestamp);
      if (order < 0) return false;
      if (order === 0 && this.skipAtTimestamp > 0) {
        this.skipAtTimestamp--;
        return false;
      }
      if (order > 0) this.skipAtTimestamp = 0;
    }
    if (timestamp === this.timestamp) {
      this.atTimestamp++;
    } else {
      this.timestamp = timestamp;
      this.atTimestamp = 1;
    }
    return true;
  }
}
