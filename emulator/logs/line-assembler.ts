import { StringDecoder } from 'node:string_decoder';

/** Lines longer than this many characters are split into several records. */
export const MAX_LINE_CHARS = 16 * 1024;
/** Ends every piece of a split line but the last, and starts every piece but the first. */
export const SPLIT_MARK = '[…]';

export interface AssembledLine {
  /** The engine time of the entry that started the line (epoch ms, fractional). */
  time: number;
  text: string;
}

// C0 controls other than tab and ESC (colour codes are kept, as Log Analytics keeps them), and DEL.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f]/g;
// eslint-disable-next-line no-control-regex -- the same set, for a test without the global flag's state
const HAS_CONTROL = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f]/;

/** Invalid UTF-8 already decodes to U+FFFD; control bytes of binary output become U+FFFD too. */
function clean(text: string): string {
  const trimmed = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
  return HAS_CONTROL.test(trimmed) ? trimmed.replace(CONTROL, '\uFFFD') : trimmed;
}

/**
 * Turns one stream's entries into lines. An entry normally is one line ending in '\n'; an engine
 * splits longer lines into entries without it (Docker at 16 KiB), and an entry may hold several
 * lines. Invariants: memory per stream stays under MAX_LINE_CHARS (a line longer than that is
 * emitted in marked pieces as it arrives, never buffered whole), a multi-byte character split
 * across entries decodes intact, and nothing written is lost except the final partial line of a
 * stream that never ends it (flushed by `end`).
 */
export class LineAssembler {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private pendingTime = 0;
  private continued = false;
  /** A line is in progress: text pending, or bytes of a character inside the decoder. */
  private open = false;

  /** Lines completed by this entry, in order. */
  push(data: Buffer, time: number, out: AssembledLine[]): void {
    const complete = data.length > 0 && data[data.length - 1] === 10;
    // Fast path: a whole line and nothing pending (the common case, no decoder state involved).
    if (complete && !this.open && data.indexOf(10) === data.length - 1) {
      const text = data.toString('utf8', 0, data.length - 1);
      if (text.length <= MAX_LINE_CHARS) out.push({ time, text: clean(text) });
      else this.emitLong(text, time, out, true);
      return;
    }
    if (!this.open) this.pendingTime = time;
    let text = this.pending + this.decoder.write(data);
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      this.emitLong(text.slice(0, newline), this.pendingTime, out, true);
      text = text.slice(newline + 1);
      this.pendingTime = time;
      newline = text.indexOf('\n');
    }
    this.pending = text;
    this.open = !complete;
    if (text.length >= MAX_LINE_CHARS) this.emitLong(text, this.pendingTime, out, false);
  }

  /** Emits what is pending as a last line (the stream ended without a final newline). */
  end(out: AssembledLine[]): void {
    const rest = this.pending + this.decoder.end();
    if (rest !== '' || this.continued) this.emitLong(rest, this.pendingTime, out, true);
    this.pending = '';
    this.open = false;
  }

  /**
   * Emits `text` in pieces of at most MAX_LINE_CHARS. With `final` false the last short piece stays
   * pending (more of the line is coming); a surrogate pair is never cut in half.
   */
  private emitLong(text: string, time: number, out: AssembledLine[], final: boolean): void {
    let start = 0;
    while (text.length - start > MAX_LINE_CHARS || (!final && text.length - start === MAX_LINE_CHARS)) {
      let end = start + MAX_LINE_CHARS;
      const last = text.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff) end--;
      out.push({ time, text: this.mark(text.slice(start, end), true) });
      start = end;
    }
    if (final) {
      out.push({ time, text: this.mark(text.slice(start), false) });
      this.pending = '';
    } else {
      this.pending = text.slice(start);
    }
  }

  private mark(piece: string, more: boolean): string {
    const text = (this.continued ? SPLIT_MARK : '') + clean(piece) + (more ? SPLIT_MARK : '');
    this.continued = more;
    return text;
  }
}
