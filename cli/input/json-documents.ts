/**
 * A push parser for streams of JSON documents that never holds a document whole: the elements of a
 * top-level array, and of a top-level object's `events` array (what `aws logs filter-log-events`
 * and `get-log-events` print), are cut out and parsed one by one; other members are parsed whole.
 * Three parts: {@link ValueEnd} finds where a value ends, {@link Skeleton} follows the structure
 * around the values, and {@link JsonDocumentStream} holds the text between chunks and joins them.
 */

/**
 * The input is not JSON replay can read; the message says what it expected. `damaged` tells a file
 * that starts as input and then stops (truncated, or corrupt part-way: what came before it is
 * replayed, and the run exits 1) from one that is not input at all (skipped with a warning).
 */
export class InputShapeError extends Error {
  override readonly name = 'InputShapeError';
  constructor(
    message: string,
    readonly damaged = false,
  ) {
    super(message);
  }
}

/** What a JSON document scanner hands over. */
export interface JsonDocumentHandlers {
  /** One element of a top-level array, or of a top-level object's `events` array. */
  element(value: unknown, from: 'array' | 'events'): void;
  /** A top-level object has ended: its members, except a streamed `events` array. */
  object(members: Record<string, unknown>, streamedEvents: boolean): void;
}

const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const COMMA = 44;
const COLON = 58;
const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;
/** What matters outside strings inside a value: where strings and containers open and close. */
const STRUCTURAL = /["{}[\]]/g;

/** A quote after an even run of backslashes (none included), after a character that is not one. */
const CLOSING_QUOTE = /[^\\](?:\\\\)*"/g;

/**
 * The index of the quote that closes the string being read from `from`, or -1 if the text ends
 * first: the first quote after an even run of backslashes. The search starts where the run of
 * backslashes before `from` starts, and the string's opening quote is always in `text` (a value is
 * kept whole until it ends), so a run cut by a chunk boundary is counted whole. One native search
 * per string: a `filter-log-events` message is escaped JSON, a quote every few characters.
 */
function closingQuote(text: string, from: number): number {
  let k = from - 1;
  while (text.charCodeAt(k) === BACKSLASH) k--;
  CLOSING_QUOTE.lastIndex = k;
  const match = CLOSING_QUOTE.exec(text);
  return match ? match.index + match[0].length - 1 : -1;
}

/**
 * Where the value being cut out ends. Nesting inside a value costs a counter, never a stack frame,
 * and native searches replace a loop over every character: a `filter-log-events` export is mostly
 * long escaped message strings.
 */
class ValueEnd {
  private kind: 'container' | 'string' | 'literal' = 'container';
  private nesting = 0;
  private inString = false;

  /** A value starts with character `c`. */
  begin(c: number): void {
    if (c === QUOTE) {
      this.kind = 'string';
      this.inString = true;
    } else if (c === LBRACE || c === LBRACKET) {
      this.kind = 'container';
      this.nesting = 1;
      this.inString = false;
    } else {
      this.kind = 'literal';
    }
  }

  /** A literal (number, true, false, null) also ends where the text does. */
  get endsWithText(): boolean {
    return this.kind === 'literal';
  }

  /** The index just after the value's end, searching `text` from `from`; -1 when it ends beyond the text. */
  find(text: string, from: number): number {
    return this.kind === 'literal' ? literalEnd(text, from) : this.containerOrStringEnd(text, from);
  }

  private containerOrStringEnd(text: string, from: number): number {
    let i = from;
    while (i < text.length) {
      if (this.inString) {
        const close = closingQuote(text, i);
        if (close === -1) return -1;
        this.inString = false;
        if (this.kind === 'string') return close + 1;
        i = close + 1;
        continue;
      }
      STRUCTURAL.lastIndex = i;
      const found = STRUCTURAL.exec(text);
      if (!found) return -1;
      const c = text.charCodeAt(found.index);
      i = found.index + 1;
      if (c === QUOTE) this.inString = true;
      else if (c === LBRACE || c === LBRACKET) this.nesting++;
      else if (--this.nesting === 0) return i;
    }
    return -1;
  }
}

function literalEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c) || c === COMMA || c === RBRACE || c === RBRACKET) return i;
  }
  return -1;
}

type Frame = 'array' | 'object' | 'events';
type Expect = 'value' | 'value-or-end' | 'key' | 'key-or-end' | 'colon' | 'comma-or-end';
type Fail = (at: number, what: string) => never;

/**
 * The structure around the values: documents one after another (JSON Lines of events, concatenated
 * CLI pages), each an object or an array, read at depth 1, and 2 inside a top-level `events` array.
 */
class Skeleton {
  private readonly frames: Frame[] = [];
  private expect: Expect = 'value';
  private key: string | undefined;
  private readingKey = false;
  private members: Record<string, unknown> = {};
  private streamedEvents = false;
  /** How many top-level documents have ended. */
  documents = 0;

  constructor(
    private readonly handlers: JsonDocumentHandlers,
    private readonly fail: Fail,
    /** A document starts at index `i` of the text. */
    private readonly onOpen: (i: number) => void,
  ) {}

  /** Whether a document is open. */
  get inDocument(): boolean {
    return this.frames.length > 0;
  }

  /**
   * Whether the open document is read whole when it closes (an object whose `events` are not
   * streamed: a Lambda event, a payload, a record), so none of it has been handed over yet.
   */
  get openDocumentIsWhole(): boolean {
    return this.frames[0] === 'object' && !this.streamedEvents;
  }

  /** One non-blank character outside any value; true when a value starts with it. */
  char(c: number, i: number): boolean {
    switch (this.expect) {
      case 'value':
      case 'value-or-end':
        return this.valueChar(c, i);
      case 'key':
      case 'key-or-end':
        return this.keyChar(c, i);
      case 'colon':
        if (c !== COLON) this.fail(i, 'expected ":"');
        this.expect = 'value';
        return false;
      case 'comma-or-end':
        this.separatorChar(c, i);
        return false;
    }
  }

  /** The value that started at `at`, parsed. */
  value(value: unknown, at: number): void {
    const frame = this.frames[this.frames.length - 1];
    if (this.readingKey) {
      this.readingKey = false;
      this.key = String(value);
      this.expect = 'colon';
    } else if (frame === 'object') {
      this.members[this.key ?? ''] = value;
      this.expect = 'comma-or-end';
    } else if (frame === 'array' || frame === 'events') {
      this.handlers.element(value, frame);
      this.expect = 'comma-or-end';
    } else {
      this.fail(at, 'a document must be a JSON object or array');
    }
  }

  private valueChar(c: number, i: number): boolean {
    const frame = this.frames[this.frames.length - 1];
    if (c === RBRACKET && this.expect === 'value-or-end') {
      this.close(i);
      return false;
    }
    if (frame === undefined) {
      this.openDocument(c, i);
      return false;
    }
    if (frame === 'object' && this.key === 'events' && c === LBRACKET && this.frames.length === 1) {
      this.frames.push('events');
      this.streamedEvents = true;
      this.expect = 'value-or-end';
      return false;
    }
    if (c === COMMA || c === COLON || c === RBRACE || c === RBRACKET) this.fail(i, 'a value is missing');
    return true;
  }

  private keyChar(c: number, i: number): boolean {
    if (c === RBRACE && this.expect === 'key-or-end') {
      this.close(i);
      return false;
    }
    if (c !== QUOTE) this.fail(i, 'expected a member name');
    this.readingKey = true;
    return true;
  }

  private separatorChar(c: number, i: number): void {
    const frame = this.frames[this.frames.length - 1];
    if (c === COMMA) {
      this.expect = frame === 'object' ? 'key' : 'value';
    } else if ((c === RBRACE && frame === 'object') || (c === RBRACKET && frame !== 'object')) {
      this.close(i);
    } else {
      this.fail(i, 'expected "," or the end of the container');
    }
  }

  private openDocument(c: number, i: number): void {
    this.onOpen(i);
    if (c === LBRACKET) {
      this.frames.push('array');
      this.expect = 'value-or-end';
    } else if (c === LBRACE) {
      this.frames.push('object');
      this.members = {};
      this.streamedEvents = false;
      this.key = undefined;
      this.expect = 'key-or-end';
    } else {
      this.fail(i, 'a document must be a JSON object or array');
    }
  }

  private close(i: number): void {
    const frame = this.frames.pop();
    if (frame === 'events') {
      this.expect = 'comma-or-end';
      return;
    }
    if (frame === 'object') this.handlers.object(this.members, this.streamedEvents);
    if (this.frames.length !== 0) this.fail(i, 'unexpected nesting');
    this.documents++;
    this.expect = 'value';
  }
}

/**
 * Reads JSON documents pushed in chunks without holding them whole. Only the skeleton is scanned
 * character by character; every value is checked by JSON.parse. The text is kept from the start of
 * the value being cut out, so a value is whole when it is parsed.
 */
export class JsonDocumentStream {
  private buf = '';
  private pos = 0;
  /** Where the value being cut out starts in `buf`, or -1. */
  private start = -1;
  private readonly valueEnd = new ValueEnd();
  private readonly skeleton: Skeleton;
  /**
   * A UTF-8 byte count that only moves forward: `cursorByte` bytes of text come before index
   * `cursorChar` of `buf`. Positions are turned into byte offsets only where a document opens and
   * where reading stops, so the count costs one native length per character, at most.
   */
  private cursorChar = 0;
  private cursorByte = 0;
  /** The byte offset where the open document starts. */
  private documentStartByte = 0;
  /** Where in `buf` reading stopped on an error, or -1. */
  private failedAt = -1;

  constructor(handlers: JsonDocumentHandlers) {
    this.skeleton = new Skeleton(
      handlers,
      (at, what) => this.fail(at, what),
      (i) => {
        this.documentStartByte = this.byteAt(i);
      },
    );
  }

  /** How many top-level documents have ended so far. */
  get documentCount(): number {
    return this.skeleton.documents;
  }

  push(chunk: string): void {
    // The text before the kept part is dropped: count its bytes first.
    this.byteAt(this.start >= 0 ? this.start : this.buf.length);
    this.cursorChar = 0;
    if (this.start >= 0) {
      this.buf = this.buf.slice(this.start) + chunk;
      this.pos -= this.start;
      this.start = 0;
    } else {
      this.buf = chunk;
      this.pos = 0;
    }
    this.scan();
  }

  /** Whether nothing but white space has been pushed. */
  get blank(): boolean {
    return this.skeleton.documents === 0 && !this.skeleton.inDocument && this.start < 0;
  }

  /**
   * The UTF-8 byte offset of the first character of the text pushed so far that was not handed
   * over whole: where a failure stopped reading, the start of an unfinished document that is read
   * whole, or of the unfinished element; the end of the text when everything was handed over.
   */
  get unreplayedFromByte(): number {
    if (this.failedAt >= 0 && !this.skeleton.openDocumentIsWhole) return this.byteAt(this.failedAt);
    if (this.skeleton.inDocument && this.skeleton.openDocumentIsWhole) return this.documentStartByte;
    return this.byteAt(this.start >= 0 ? this.start : this.buf.length);
  }

  /** @throws InputShapeError when the text ends inside a document (a truncated file). */
  end(): void {
    if (this.start >= 0 && this.valueEnd.endsWithText) this.finishValue(this.buf.length);
    if (this.start >= 0 || this.skeleton.inDocument) {
      throw new InputShapeError('ends inside a JSON document', true);
    }
    if (this.skeleton.documents === 0) throw new InputShapeError('holds no JSON document');
  }

  /** A syntax error: damage when a document had started, else the text is not a JSON document at all. */
  private fail(at: number, what: string): never {
    this.failedAt = at;
    // The reader reports where (as a byte offset, from unreplayedFromByte).
    throw new InputShapeError(
      `not valid JSON: ${what}`,
      this.skeleton.documents > 0 || this.skeleton.inDocument,
    );
  }

  /** The byte offset of index `i` of `buf`; moves the cursor there when `i` is ahead of it. */
  private byteAt(i: number): number {
    if (i < this.cursorChar) return this.cursorByte - Buffer.byteLength(this.buf.slice(i, this.cursorChar));
    this.cursorByte += Buffer.byteLength(this.buf.slice(this.cursorChar, i));
    this.cursorChar = i;
    return this.cursorByte;
  }

  private scan(): void {
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    while (i < n) {
      if (this.start >= 0) {
        const end = this.valueEnd.find(buf, i);
        if (end === -1) break;
        this.finishValue(end);
        i = end;
        continue;
      }
      const c = buf.charCodeAt(i);
      if (!isSpace(c) && this.skeleton.char(c, i)) {
        this.start = i;
        this.valueEnd.begin(c);
      }
      i++;
    }
    this.pos = n;
  }

  private finishValue(end: number): void {
    const at = this.start;
    this.start = -1;
    let value: unknown;
    try {
      value = JSON.parse(this.buf.slice(at, end));
    } catch {
      // JSON.parse's message would quote the input, which may hold prompts.
      this.fail(at, 'a value that does not parse');
    }
    this.skeleton.value(value, at);
  }
}
