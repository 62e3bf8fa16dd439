import type { Fn, RowData } from './values.js';

/**
 * One pipeline stage. Rows are pushed from the source through the stages; `push` returns false
 * when the stage wants no more rows (so `take` stops the scan), and `end` flushes buffered stages.
 */
export interface Sink {
  push(row: RowData): boolean;
  end(): void;
}

export type Stage = (next: Sink) => Sink;

/** Arrays become pipeline rows without copying; see RowData. */
export function asRow(values: unknown[]): RowData {
  return values as unknown as RowData;
}

export function takeStage(limit: number): Stage {
  return (next) => {
    let seen = 0;
    return {
      push: (row) => {
        if (seen >= limit) return false;
        seen++;
        return next.push(row) && seen < limit;
      },
      end: () => next.end(),
    };
  };
}

export function countStage(): Stage {
  return (next) => {
    let n = 0;
    return {
      push: () => {
        n++;
        return true;
      },
      end: () => {
        next.push(asRow([n]));
        next.end();
      },
    };
  };
}

/** Collects result rows as arrays in column order, up to `maxRows`. */
export class OutputSink implements Sink {
  readonly rows: unknown[][] = [];
  truncated = false;

  constructor(
    private readonly getters: readonly Fn[],
    private readonly maxRows: number,
  ) {}

  push(row: RowData): boolean {
    if (this.rows.length >= this.maxRows) {
      this.truncated = true;
      return false;
    }
    const getters = this.getters;
    const out = new Array<unknown>(getters.length);
    for (let i = 0; i < getters.length; i++) out[i] = (getters[i] as Fn)(row);
    this.rows.push(out);
    return true;
  }

  end(): void {}
}
