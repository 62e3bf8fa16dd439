import { createTwoFilesPatch, diffLines } from 'diff';
import type { Comparison, ExchangeRecord, HeaderChange, HeaderMap, StoredBody } from './types.js';

/** Headers that differ between any two runs of the same request; shown, but flagged. */
const VOLATILE = new Set([
  'date',
  'x-ms-request-id',
  'x-sessionite-session',
  'x-sessionite-allocation',
  'etag',
  'last-modified',
  'content-length',
  'keep-alive',
  'connection',
]);

function flat(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function headerChanges(a: HeaderMap, b: HeaderMap): HeaderChange[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const changes: HeaderChange[] = [];
  for (const name of names) {
    const va = flat(a[name]);
    const vb = flat(b[name]);
    if (va === vb) continue;
    changes.push({ name, ...(va === undefined ? {} : { a: va }), ...(vb === undefined ? {} : { b: vb }), volatile: VOLATILE.has(name) });
  }
  return changes;
}

/** JSON is pretty-printed so the diff shows changed fields, not one changed line. */
function comparable(body: StoredBody): string {
  if (body.encoding === 'base64') return body.data.replace(/(.{76})/g, '$1\n');
  try {
    return JSON.stringify(JSON.parse(body.data), null, 2) + '\n';
  } catch {
    return body.data;
  }
}

export function compareRecords(a: ExchangeRecord, b: ExchangeRecord): Comparison {
  const changes = headerChanges(a.responseHeaders, b.responseHeaders);
  const textA = comparable(a.responseBody);
  const textB = comparable(b.responseBody);
  const equal = textA === textB && a.responseBody.encoding === b.responseBody.encoding;
  let added = 0;
  let removed = 0;
  if (!equal) {
    for (const part of diffLines(textA, textB)) {
      if (part.added) added += part.count;
      if (part.removed) removed += part.count;
    }
  }
  return {
    a: a.id,
    b: b.id,
    status: { a: a.status, b: b.status, equal: a.status === b.status },
    headers: { equal: changes.every((c) => c.volatile), changes },
    body: {
      equal,
      patch: equal ? '' : createTwoFilesPatch(`#${a.id}`, `#${b.id}`, textA, textB, undefined, undefined, { context: 3 }),
      added,
      removed,
      partial: a.responseBody.truncated || b.responseBody.truncated || Boolean(a.responseBody.omitted || b.responseBody.omitted),
    },
  };
}
