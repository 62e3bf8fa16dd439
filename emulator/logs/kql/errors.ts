export interface KqlPosition {
  /** 0-based character offset into the query text. */
  readonly offset: number;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

/**
 * The only error the engine throws for a bad query. `message` starts with "line L, column C:" and
 * says what is supported at that point; `expected` repeats the supported alternatives when known.
 */
export class KqlError extends Error {
  constructor(
    message: string,
    readonly position: KqlPosition,
    readonly expected?: string,
  ) {
    super(message);
    this.name = 'KqlError';
  }
}

export function positionAt(text: string, offset: number): KqlPosition {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: clamped, line, column: clamped - lineStart + 1 };
}

/** Builds a positioned error; `expected` is appended to the message as "; <label>: …". */
export function kqlError(
  text: string,
  offset: number,
  problem: string,
  expected?: string,
  label = 'supported',
): KqlError {
  const position = positionAt(text, offset);
  const suffix = expected === undefined ? '' : `; ${label}: ${expected}`;
  return new KqlError(
    `line ${position.line}, column ${position.column}: ${problem}${suffix}`,
    position,
    expected,
  );
}
