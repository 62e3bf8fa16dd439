import { kqlError } from './errors.js';
import { parseDatetimeText, parseTimespanText, TIMESPAN_UNITS, TIMESPAN_UNIT_LIST } from './literals.js';

export type TokenKind = 'ident' | 'string' | 'number' | 'timespan' | 'datetime' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier or punctuation text; the raw source text for literals. */
  readonly text: string;
  /** Decoded string, or the number (long/real), timespan (ms) or datetime (epoch ms). */
  readonly value?: string | number;
  /** True for a number literal written with a fraction or exponent (type real). */
  readonly real?: boolean;
  readonly offset: number;
}

const PUNCTUATION = [
  '==',
  '!=',
  '<>',
  '<=',
  '>=',
  '=~',
  '!~',
  '..',
  '|',
  ',',
  '(',
  ')',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  ';',
];
const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  '0': '\0',
};

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isIdentStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentPart = (c: string): boolean => isIdentStart(c) || isDigit(c);

/** Splits a query into tokens; throws KqlError with the position of the first bad character. */
export function tokenize(text: string): Token[] {
  const lexer = new Lexer(text);
  const tokens: Token[] = [];
  for (;;) {
    const token = lexer.next();
    tokens.push(token);
    if (token.kind === 'eof') return tokens;
  }
}

class Lexer {
  private pos = 0;

  constructor(private readonly text: string) {}

  next(): Token {
    this.skipTrivia();
    const start = this.pos;
    const c = this.peek();
    if (c === '') return { kind: 'eof', text: '', offset: start };
    if (c === "'" || c === '"') return this.string(start, false);
    if (c === '@' && (this.peek(1) === "'" || this.peek(1) === '"')) {
      this.pos++;
      return this.string(start, true);
    }
    if (isDigit(c)) return this.number(start);
    if (isIdentStart(c)) return this.word(start);
    if (c === '!' && isIdentStart(this.peek(1))) {
      this.pos++;
      return this.word(start);
    }
    if (c === '[' && (this.peek(1) === "'" || this.peek(1) === '"')) return this.bracketedName(start);
    const punct = PUNCTUATION.find((p) => this.text.startsWith(p, start));
    if (punct === undefined) throw kqlError(this.text, start, `unexpected character '${c}'`);
    this.pos += punct.length;
    return { kind: 'punct', text: punct, offset: start };
  }

  private peek(ahead = 0): string {
    return this.text.charAt(this.pos + ahead);
  }

  private skipTrivia(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '/' && this.peek(1) === '/') {
        const end = this.text.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.text.length : end;
      } else return;
    }
  }

  private string(start: number, verbatim: boolean): Token {
    const quote = this.peek();
    this.pos++;
    let value = '';
    for (;;) {
      const c = this.peek();
      if (c === '' || c === '\n') throw kqlError(this.text, start, 'unterminated string literal');
      this.pos++;
      if (c === quote) break;
      if (c !== '\\' || verbatim) {
        value += c;
        continue;
      }
      value += this.escape();
    }
    return { kind: 'string', text: this.text.slice(start, this.pos), value, offset: start };
  }

  private escape(): string {
    const at = this.pos - 1;
    const c = this.peek();
    this.pos++;
    const simple = ESCAPES[c];
    if (simple !== undefined) return simple;
    const hex = this.text.slice(this.pos, this.pos + 4);
    if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(hex)) {
      this.pos += 4;
      return String.fromCharCode(parseInt(hex, 16));
    }
    throw kqlError(
      this.text,
      at,
      `invalid escape sequence '\\${c}'`,
      '\\\\ \\\' \\" \\n \\r \\t \\0 \\uXXXX',
    );
  }

  private number(start: number): Token {
    const match = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(start, start + 64));
    const digits = match?.[0] ?? '';
    this.pos += digits.length;
    const real = match?.[1] !== undefined || match?.[2] !== undefined;
    if (!isIdentStart(this.peek())) {
      return { kind: 'number', text: digits, value: Number(digits), real, offset: start };
    }
    const unitStart = this.pos;
    while (isIdentPart(this.peek())) this.pos++;
    const unit = this.text.slice(unitStart, this.pos);
    const factor = TIMESPAN_UNITS[unit];
    if (factor === undefined || match?.[2] !== undefined) {
      throw kqlError(
        this.text,
        unitStart,
        `invalid timespan unit '${unit}' in '${digits}${unit}'`,
        TIMESPAN_UNIT_LIST,
      );
    }
    return {
      kind: 'timespan',
      text: this.text.slice(start, this.pos),
      value: Number(digits) * factor,
      offset: start,
    };
  }

  private word(start: number): Token {
    while (isIdentPart(this.peek())) this.pos++;
    let text = this.text.slice(start, this.pos);
    if ((text === 'in' || text === '!in') && this.peek() === '~') {
      this.pos++;
      text += '~';
    }
    if (text === 'datetime' || text === 'timespan' || text === 'time') return this.typedLiteral(start, text);
    return { kind: 'ident', text, offset: start };
  }

  /** `datetime(2026-01-01T00:00:00Z)`, `datetime("…")`, `timespan(1h)`, `time(01:00:00)`. */
  private typedLiteral(start: number, keyword: string): Token {
    let open = this.pos;
    while (this.text.charAt(open) === ' ') open++;
    if (this.text.charAt(open) !== '(') return { kind: 'ident', text: keyword, offset: start };
    const close = this.text.indexOf(')', open);
    if (close < 0) throw kqlError(this.text, start, `unterminated ${keyword}(…) literal: missing ')'`);
    this.pos = close + 1;
    const inner = this.text.slice(open + 1, close);
    const unquoted = inner.trim().replace(/^@?(['"])(.*)\1$/s, '$2');
    const contentAt = open + 1 + (inner.length - inner.trimStart().length);
    const raw = this.text.slice(start, this.pos);
    if (keyword === 'datetime') {
      const value = parseDatetimeText(unquoted);
      if (value === undefined) {
        throw kqlError(
          this.text,
          contentAt,
          `invalid datetime '${unquoted}'`,
          'ISO 8601 such as 2026-01-01T00:00:00Z or 2026-01-01 10:30',
        );
      }
      return { kind: 'datetime', text: raw, value, offset: start };
    }
    const value = parseTimespanText(unquoted);
    if (value === undefined) {
      throw kqlError(
        this.text,
        contentAt,
        `invalid timespan '${unquoted}'`,
        `<number><unit> with unit ${TIMESPAN_UNIT_LIST}, or [d.]hh:mm[:ss[.fffffff]]`,
      );
    }
    return { kind: 'timespan', text: raw, value, offset: start };
  }

  private bracketedName(start: number): Token {
    this.pos++;
    const name = this.string(this.pos, false);
    if (this.peek() !== ']')
      throw kqlError(this.text, this.pos, "expected ']' after the bracketed column name");
    this.pos++;
    return { kind: 'ident', text: String(name.value), offset: start };
  }
}
