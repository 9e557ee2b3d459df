import { FilterSyntaxError } from './errors';

/** Every `kind` a token can have. `invalid` is one character no token starts with; the parser reports it. */
export const TOKEN_KINDS = [
  'word',
  'key',
  'string',
  'lparen',
  'rparen',
  'comma',
  'dot',
  'colon',
  'equals',
  'notEquals',
  'minus',
  'invalid',
  'end',
] as const;
/** One of `TOKEN_KINDS`. */
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** One token of a filter. */
export interface Token {
  readonly kind: TokenKind;
  /** The exact source text (empty for `end`). */
  readonly text: string;
  /** For `string`, the unescaped contents; otherwise the same as `text`. */
  readonly value: string;
  /** 0-based index of the first character. */
  readonly start: number;
  /** Index just past the last character. */
  readonly end: number;
  /** Whether whitespace separates this token from the one before it. */
  readonly spaceBefore: boolean;
}

/** Characters the lexer skips between tokens. */
export const WHITESPACE = [' ', '\t', '\n', '\r'] as const;

const SINGLE_CHARACTER_TOKENS: Readonly<Record<string, TokenKind>> = {
  '(': 'lparen',
  ')': 'rparen',
  ',': 'comma',
  '.': 'dot',
  ':': 'colon',
  '=': 'equals',
  '-': 'minus',
};

// Docs: "If a key contains characters other than hyphens, underscores, or alphanumeric characters, use a string
// literal." So a bare key is [A-Za-z0-9_-]+ (ASCII); anything else must be quoted.
const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const KEY_CHARACTER = /[A-Za-z0-9_-]/;
// Words (attributes, hasPrefix, AND, OR, NOT) have no hyphen, so `-attributes:x` lexes as minus + word.
const WORD_CHARACTER = /[A-Za-z0-9_]/;

/** Escapes a backslash can introduce that stand for one fixed character (CEL / Google string-literal set). */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
  '`': '`',
};

/** The shortest escape for each non-printing character that has a letter escape. */
const LETTER_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

const ESCAPE_HELP = 'a valid escape (\\a \\b \\f \\n \\r \\t \\v \\\\ \\" \\\' \\? \\` \\xHH \\uHHHH \\UHHHHHHHH or octal \\ooo)';

/** Whether `key` can be written without quotes after `attributes.` / `attributes:`. */
export function isBareKey(key: string): boolean {
  return BARE_KEY.test(key);
}

/** Whether the code point is "non-printing" in the docs' sense: C0 controls, DEL, C1 controls. */
function isNonPrinting(codePoint: number): boolean {
  return codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f);
}

/**
 * Writes `value` as a double-quoted string literal the lexer reads back to `value`. Escapes only what the docs
 * require ("backslashes, quotation marks, and non-printing characters"), so the result is never longer in
 * UTF-8 than any other literal for the same value.
 */
export function quoteString(value: string): string {
  let out = '"';
  for (const character of value) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (character === '"' || character === '\\') out += `\\${character}`;
    else if (isNonPrinting(codePoint)) out += LETTER_ESCAPES[character] ?? `\\x${codePoint.toString(16).padStart(2, '0')}`;
    else out += character;
  }
  return `${out}"`;
}

/** Writes an attribute key bare when the docs allow it, quoted otherwise. */
export function formatKey(key: string): string {
  return isBareKey(key) ? key : quoteString(key);
}

/**
 * Turns filter text into tokens on demand. After `.` or `:` it reads a key (`[A-Za-z0-9_-]+`), elsewhere a word
 * (`[A-Za-z0-9_]+`), because keys may contain hyphens while `-` elsewhere is the unary NOT.
 * Throws `FilterSyntaxError` only for a malformed string literal; other stray characters become `invalid` tokens
 * so the parser can say what it expected there.
 */
export class Lexer {
  private position = 0;
  private previousKind: TokenKind | undefined;
  private lookahead: Token | undefined;

  constructor(private readonly source: string) {}

  /** The next token, without consuming it. */
  peek(): Token {
    this.lookahead ??= this.scan();
    return this.lookahead;
  }

  /** Consumes and returns the next token. */
  next(): Token {
    const token = this.peek();
    this.lookahead = undefined;
    this.previousKind = token.kind;
    return token;
  }

  private scan(): Token {
    const before = this.position;
    while (this.position < this.source.length && (WHITESPACE as readonly string[]).includes(this.source[this.position])) {
      this.position += 1;
    }
    const spaceBefore = this.position > before;
    const start = this.position;
    if (start >= this.source.length) return this.token('end', start, start, spaceBefore);

    const character = this.source[start];
    const afterSelector = this.previousKind === 'dot' || this.previousKind === 'colon';
    if (afterSelector && KEY_CHARACTER.test(character)) return this.run('key', KEY_CHARACTER, spaceBefore);
    if (WORD_CHARACTER.test(character)) return this.run('word', WORD_CHARACTER, spaceBefore);
    if (character === '"') return this.readString(spaceBefore);
    if (character === '!' && this.source[start + 1] === '=') return this.token('notEquals', start, start + 2, spaceBefore);
    const single = SINGLE_CHARACTER_TOKENS[character];
    if (single !== undefined) return this.token(single, start, start + 1, spaceBefore);
    // One whole code point, so a stray emoji is reported as itself rather than half a surrogate pair.
    const width = (this.source.codePointAt(start) ?? 0) > 0xffff ? 2 : 1;
    return this.token('invalid', start, start + width, spaceBefore);
  }

  private token(kind: TokenKind, start: number, end: number, spaceBefore: boolean, value?: string): Token {
    this.position = end;
    const text = this.source.slice(start, end);
    return { kind, text, value: value ?? text, start, end, spaceBefore };
  }

  private run(kind: 'key' | 'word', pattern: RegExp, spaceBefore: boolean): Token {
    const start = this.position;
    let end = start;
    while (end < this.source.length && pattern.test(this.source[end])) end += 1;
    return this.token(kind, start, end, spaceBefore);
  }

  private fail(position: number, detail: string): never {
    throw new FilterSyntaxError(this.source, position, detail);
  }

  private readString(spaceBefore: boolean): Token {
    const start = this.position;
    let index = start + 1;
    let value = '';
    for (;;) {
      if (index >= this.source.length) {
        this.fail(start, `expected a closing " for the string starting at position ${start}, found end of filter`);
      }
      const codePoint = this.source.codePointAt(index) ?? 0;
      const character = String.fromCodePoint(codePoint);
      if (character === '"') return this.token('string', start, index + 1, spaceBefore, value);
      if (character === '\\') {
        const [decoded, length] = this.readEscape(index);
        value += decoded;
        index += length;
        continue;
      }
      if (isNonPrinting(codePoint)) {
        // Docs: "To use backslashes, quotation marks, and non-printing characters in a filter, escape the
        // characters within a string literal."
        this.fail(index, `expected non-printing characters to be escaped (e.g. \\n or \\x1f), found raw ${describeCodePoint(codePoint)}`);
      }
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
        this.fail(index, `expected well-formed Unicode text, found unpaired surrogate ${describeCodePoint(codePoint)}`);
      }
      value += character;
      index += character.length;
    }
  }

  /** Decodes the escape at `index` (a backslash); returns the character and the escape's length. */
  private readEscape(index: number): [string, number] {
    const letter = this.source[index + 1];
    if (letter === undefined) this.fail(index, `expected ${ESCAPE_HELP}, found end of filter`);
    const simple = SIMPLE_ESCAPES[letter];
    if (simple !== undefined) return [simple, 2];
    // Docs: "You can also use Unicode, hexadecimal, and octal escape sequences within a string literal."
    const numeric =
      letter === 'x' ? this.readDigits(index, 2, 16)
      : letter === 'u' ? this.readDigits(index, 4, 16)
      : letter === 'U' ? this.readDigits(index, 8, 16)
      : /[0-3]/.test(letter) ? this.readDigits(index, 3, 8, 1)
      : undefined;
    if (numeric === undefined) this.fail(index, `expected ${ESCAPE_HELP}, found "\\${letter}"`);
    const [codePoint, length] = numeric;
    if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      this.fail(index, `expected an escape for a Unicode scalar value, found "${this.source.slice(index, index + length)}"`);
    }
    return [String.fromCodePoint(codePoint), length];
  }

  /** Reads exactly `count` digits of `radix` after the escape letter (or from `offset` for octal). */
  private readDigits(index: number, count: number, radix: 8 | 16, offset = 2): [number, number] {
    const digits = this.source.slice(index + offset, index + offset + count);
    const pattern = radix === 16 ? /^[0-9A-Fa-f]+$/ : /^[0-7]+$/;
    if (digits.length !== count || !pattern.test(digits)) {
      // Show the escape up to the first character that does not belong, e.g. "\u00f" for "\u00f\"".
      let valid = 0;
      while (valid < digits.length && pattern.test(digits[valid])) valid += 1;
      const shown = this.source.slice(index, index + offset + valid);
      this.fail(index, `expected ${ESCAPE_HELP}, found "${shown}"`);
    }
    return [parseInt(digits, radix), offset + count];
  }
}

/** `U+000A`-style name of a code point, for messages about invisible characters. */
export function describeCodePoint(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}
