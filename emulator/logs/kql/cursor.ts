import { kqlError, type KqlError } from './errors.js';
import type { Token } from './lexer.js';

/** A read position in the token list plus error helpers that quote the offending token. */
export class Cursor {
  private index = 0;

  constructor(
    readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  peek(ahead = 0): Token {
    const last = this.tokens[this.tokens.length - 1];
    const token = this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] ?? last;
    if (token === undefined) throw new Error('token list must end with eof');
    return token;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  isPunct(text: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'punct' && token.text === text;
  }

  isIdent(text: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'ident' && token.text === text;
  }

  /** Consumes the punctuation or keyword if present. */
  accept(text: string): boolean {
    if (!this.isPunct(text) && !this.isIdent(text)) return false;
    this.next();
    return true;
  }

  expect(text: string, context: string): Token {
    const token = this.peek();
    if (!this.accept(text)) throw this.unexpected(token, `expected '${text}' ${context}`);
    return token;
  }

  error(token: Token, problem: string, expected?: string, label?: string): KqlError {
    return kqlError(this.text, token.offset, problem, expected, label);
  }

  /** "expected X but found 'y'" (or "…but the query ended"). */
  unexpected(token: Token, problem: string, expected?: string): KqlError {
    const quoted = token.kind === 'string' ? token.text : `'${token.text}'`;
    const found = token.kind === 'eof' ? 'but the query ended' : `but found ${quoted}`;
    return this.error(token, `${problem} ${found}`, expected);
  }
}
