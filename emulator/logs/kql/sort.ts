import type { Sink, Stage } from './sink.js';
import type { Fn, RowData, Value } from './values.js';

export interface CompiledSortKey {
  readonly fn: Fn;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

type ValueComparator = (a: Value, b: Value) => number;
type TupleComparator = (a: readonly Value[], aSeq: number, b: readonly Value[], bSeq: number) => number;

/** Orders two values of one column: nulls where the key says, then ordinal for strings. */
function keyComparator(key: CompiledSortKey): ValueComparator {
  const dir = key.descending ? -1 : 1;
  const nullSide = key.nullsFirst ? -1 : 1;
  return (a, b) => {
    if (a === b) return 0;
    if (a === null) return nullSide;
    if (b === null) return -nullSide;
    // Values of one column share a type; the casts let strings use the same ordinal operators.
    return (a as number) < (b as number) ? -dir : (a as number) > (b as number) ? dir : 0;
  };
}

/** Compares key tuples; ties keep arrival order, so results are deterministic (a stable sort). */
function tupleComparator(keys: readonly CompiledSortKey[]): TupleComparator {
  const cmps = keys.map(keyComparator);
  const first = cmps[0];
  if (cmps.length === 1 && first !== undefined) {
    return (a, aSeq, b, bSeq) => first(a[0] as Value, b[0] as Value) || aSeq - bSeq;
  }
  return (a, aSeq, b, bSeq) => {
    for (let i = 0; i < cmps.length; i++) {
      const c = (cmps[i] as ValueComparator)(a[i] as Value, b[i] as Value);
      if (c !== 0) return c;
    }
    return aSeq - bSeq;
  };
}

function emit(rows: Iterable<RowData>, next: Sink): void {
  for (const row of rows) if (!next.push(row)) break;
  next.end();
}

/** `order by` / `sort by`: buffers all rows with their keys, sorts on end. */
export function sortStage(keys: readonly CompiledSortKey[]): Stage {
  const compare = tupleComparator(keys);
  return (next) => {
    const entries: Entry[] = [];
    return {
      push: (row) => {
        entries.push({ row, values: keys.map((k) => k.fn(row)), seq: entries.length });
        return true;
      },
      end: () => {
        entries.sort((a, b) => compare(a.values, a.seq, b.values, b.seq));
        emit(
          entries.map((e) => e.row),
          next,
        );
      },
    };
  };
}

interface Entry {
  row: RowData;
  values: Value[];
  seq: number;
}

/**
 * `top N by …` and `order by … | take N` without buffering the whole input: candidates collect in a
 * buffer of 2N; when it fills, it is sorted and cut back to N, and the N-th best becomes the
 * threshold that rejects most later rows after one comparison. TimSort makes the common case
 * (log rows arriving in time order, wanted newest first) nearly linear. Dropped entries are reused.
 */
export function topStage(limit: number, keys: readonly CompiledSortKey[]): Stage {
  const compare = tupleComparator(keys);
  const byKey = (a: Entry, b: Entry): number => compare(a.values, a.seq, b.values, b.seq);
  const capacity = Math.max(2 * limit, 1024);
  return (next) => {
    let buffer: Entry[] = [];
    const free: Entry[] = [];
    const scratch: Value[] = keys.map(() => null);
    let threshold: Entry | undefined;
    let seq = 0;
    const prune = (): void => {
      buffer.sort(byKey);
      for (let i = limit; i < buffer.length; i++) free.push(buffer[i] as Entry);
      if (buffer.length > limit) buffer.length = limit;
      threshold = buffer.length === limit ? buffer[limit - 1] : undefined;
    };
    return {
      push: (row) => {
        if (limit <= 0) return false;
        for (let i = 0; i < keys.length; i++) scratch[i] = (keys[i] as CompiledSortKey).fn(row);
        const s = seq++;
        if (threshold !== undefined && compare(scratch, s, threshold.values, threshold.seq) >= 0) return true;
        const entry = free.pop() ?? { row, values: new Array<Value>(keys.length), seq: s };
        entry.row = row;
        entry.seq = s;
        for (let i = 0; i < scratch.length; i++) entry.values[i] = scratch[i] as Value;
        buffer.push(entry);
        if (buffer.length >= capacity) prune();
        return true;
      },
      end: () => {
        prune();
        const rows = buffer.map((e) => e.row);
        buffer = [];
        emit(rows, next);
      },
    };
  };
}
