const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

const enum State {
  /** At the start of a field: a quote here opens a quoted field. */
  FieldStart,
  Unquoted,
  Quoted,
  /** Just after a quote inside a quoted field: `""` (an escaped quote) or the closing one. */
  AfterQuote,
}

/** Receives each record's fields (an array reused between calls) and its first physical line. */
export type RecordHandler = (fields: string[], line: number) => void;

/** Reports a syntax error at a 1-based physical line; must throw. */
export type SyntaxFailure = (line: number, message: string) => never;

/**
 * Splits RFC 4180 text into records as chunks arrive, so a file never has to fit in memory:
 * quoted fields with `""` escapes and embedded delimiters or line breaks, CRLF, LF or a lone CR
 * ending a line, the final line break optional. Empty lines are skipped.
 *
 * Each record comes with the 1-based physical line it starts on (line breaks inside quoted
 * fields count), which error messages need.
 *
 * @example
 * const rows: string[][] = [];
 * const split = new RecordSplitter(',', (f) => rows.push([...f]), (line, m) => { throw new Error(m); });
 * split.push('a,"b,""c"""\r\n1,');
 * split.push('2\n');
 * split.end(); // rows is [['a', 'b,"c"'], ['1', '2']]
 */
export class RecordSplitter {
  private readonly delimiter: number;
  private readonly fields: string[] = [];
  /** The current field's text from earlier chunks. */
  private carry = '';
  private state = State.FieldStart;
  private line = 1;
  private recordLine = 1;
  /** The previous character was a CR, so an LF now completes the same line break. */
  private afterCR = false;

  constructor(
    delimiter: string,
    private readonly onRecord: RecordHandler,
    private readonly fail: SyntaxFailure,
  ) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new TypeError(`unusable delimiter ${JSON.stringify(delimiter)}`);
    }
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Consumes the next chunk of text; complete records go to the handler before it returns. */
  push(text: string): void {
    let start = 0; // where the unconsumed part of the current field begins in `text`
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.afterCR) {
        this.afterCR = false;
        if (c === LF) {
          // The LF of a CRLF: the line was counted at the CR, and outside quotes the record
          // already ended there.
          if (this.state !== State.Quoted) start = i + 1;
          continue;
        }
      }
      switch (this.state) {
        case State.Quoted:
          if (c === QUOTE) {
            this.carry += text.slice(start, i);
            this.state = State.AfterQuote;
            start = i + 1;
          } else if (c === LF || c === CR) {
            this.newLine(c);
          }
          continue;
        case State.AfterQuote:
          if (c === QUOTE) {
            this.carry += '"';
            this.state = State.Quoted;
            start = i + 1;
            continue;
          }
          if (c !== this.delimiter && c !== LF && c !== CR) {
            this.fail(this.line, 'a closing quote must end its field');
          }
          break;
        case State.FieldStart:
          if (c === QUOTE) {
            this.state = State.Quoted;
            start = i + 1;
            continue;
          }
          break;
      }
      // Unquoted text, or the character after a closing quote.
      if (c === this.delimiter) {
        this.endField(text.slice(start, i));
        start = i + 1;
      } else if (c === LF || c === CR) {
        // A line break with nothing before it on its line is an empty line: no record.
        if (this.state !== State.FieldStart || this.fields.length > 0) {
          this.endField(text.slice(start, i));
          this.onRecord(this.fields, this.recordLine);
          this.fields.length = 0;
        }
        this.newLine(c);
        this.recordLine = this.line;
        this.state = State.FieldStart;
        start = i + 1;
      } else {
        this.state = State.Unquoted;
      }
    }
    this.carry += text.slice(start);
  }

  /** Ends the input: the last record may lack its line break; an open quote is an error. */
  end(): void {
    if (this.state === State.Quoted) {
      this.fail(this.recordLine, 'a quoted field starting on this line is never closed');
    }
    if (this.state !== State.FieldStart || this.fields.length > 0) {
      this.endField('');
      this.onRecord(this.fields, this.recordLine);
      this.fields.length = 0;
    }
    this.state = State.FieldStart;
  }

  private endField(tail: string): void {
    this.fields.push(this.carry + tail);
    this.carry = '';
    this.state = State.FieldStart;
  }

  private newLine(c: number): void {
    this.line++;
    this.afterCR = c === CR;
  }
}
