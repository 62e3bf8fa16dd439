import type { LifecycleLogRow, PoolEventLogRow, Row, ScanHints } from './kql/index.js';

export type PlatformRow = LifecycleLogRow | PoolEventLogRow;

interface EventChunk {
  readonly segment: number;
  readonly rows: PlatformRow[];
  minTime: number;
  maxTime: number;
}

/**
 * A platform table (lifecycle or pool events): a few records per session, so plain frozen row
 * objects in per-segment chunks suffice. Scans skip chunks by time and test equality hints on rows.
 */
export class EventTable {
  private chunks: EventChunk[] = [];
  count = 0;

  append(segment: number, row: PlatformRow): void {
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || chunk.segment !== segment) {
      chunk = { segment, rows: [], minTime: Infinity, maxTime: -Infinity };
      this.chunks.push(chunk);
    }
    chunk.rows.push(Object.freeze(row));
    chunk.minTime = Math.min(chunk.minTime, row.TimeGenerated);
    chunk.maxTime = Math.max(chunk.maxTime, row.TimeGenerated);
    this.count++;
  }

  dropThrough(segment: number): number {
    let dropped = 0;
    while (this.chunks.length > 0 && (this.chunks[0] as EventChunk).segment <= segment) {
      dropped += (this.chunks.shift() as EventChunk).rows.length;
    }
    this.count -= dropped;
    return dropped;
  }

  get oldestTime(): number | undefined {
    return this.chunks[0]?.minTime;
  }

  scan(hints: ScanHints | undefined): Iterable<Row> {
    const from = hints?.timeFrom ?? -Infinity;
    const to = hints?.timeTo ?? Infinity;
    const equals = [...(hints?.equals ?? [])];
    const chunks = this.chunks.slice();
    return {
      *[Symbol.iterator]() {
        for (const chunk of chunks) {
          if (chunk.maxTime < from || chunk.minTime > to) continue;
          for (const row of chunk.rows) {
            if (row.TimeGenerated < from || row.TimeGenerated > to) continue;
            const record = row as unknown as Record<string, unknown>;
            if (equals.some(([column, value]) => column in record && record[column] !== value)) continue;
            yield row;
          }
        }
      },
    };
  }
}
