import type { ConditionNode, FilterNode } from './ast';
import { FilterSyntaxError } from './errors';
import { formatKey, Lexer, type Token } from './lexer';

/**
 * Longest filter Pub/Sub accepts, in UTF-8 bytes. Docs: "The maximum length of a filter is 256 bytes."
 */
export const MAX_FILTER_BYTES = 256;

/** The boolean operators that join conditions. Docs: "The operators must be in uppercase letters." */
export const BOOLEAN_OPERATORS = ['AND', 'OR'] as const;
type BooleanOperator = (typeof BOOLEAN_OPERATORS)[number];

const CONDITION_FORMS = 'attributes:KEY, attributes.KEY = "VALUE", attributes.KEY != "VALUE", hasPrefix(attributes.KEY, "PREFIX"), NOT, "-" or "("';
const LOWERCASE_KEYWORDS: Readonly<Record<string, string>> = { and: 'AND', or: 'OR', not: 'NOT' };

/**
 * Parses a Pub/Sub subscription filter, accepting exactly what Google's "Filter messages" page documents:
 *
 *     filter      = [ expression ]                        ; empty or blank matches everything
 *     expression  = term { WS "AND" WS term }
 *                 | term { WS "OR" WS term }              ; never both at one level
 *     term        = "NOT" WS simple | "-" simple | simple  ; "-" touches its operand
 *     simple      = "(" expression ")" | restriction | "hasPrefix" "(" member "," string ")"
 *     restriction = "attributes" ":" key | member ( "=" | "!=" ) string
 *     member      = "attributes" "." key                  ; written without spaces
 *     key         = [A-Za-z0-9_-]+ | string
 *
 * @throws FilterSyntaxError naming the position, what was expected and what was found.
 */
export function parseFilter(source: string): FilterNode {
  enforceByteLimit(source);
  return new Parser(source).parseFilter();
}

function enforceByteLimit(source: string): void {
  const total = Buffer.byteLength(source, 'utf8');
  if (total <= MAX_FILTER_BYTES) return;
  // Point at the first character that does not fit, so editors can highlight the overflow.
  let bytes = 0;
  let position = 0;
  for (const character of source) {
    bytes += Buffer.byteLength(character, 'utf8');
    if (bytes > MAX_FILTER_BYTES) break;
    position += character.length;
  }
  throw new FilterSyntaxError(source, position, `expected at most ${MAX_FILTER_BYTES} bytes (UTF-8), found ${total} bytes`);
}

/** How a token reads inside an error message. */
function describe(token: Token): string {
  if (token.kind === 'end') return 'end of filter';
  const text = token.text.length > 24 ? `${token.text.slice(0, 24)}…` : token.text;
  return token.kind === 'string' ? `string ${text}` : `"${text}"`;
}

function isWord(token: Token, word: string): boolean {
  return token.kind === 'word' && token.text === word;
}

function asOperator(token: Token): BooleanOperator | undefined {
  return token.kind === 'word' ? BOOLEAN_OPERATORS.find((operator) => operator === token.text) : undefined;
}

class Parser {
  private readonly lexer: Lexer;

  constructor(private readonly source: string) {
    this.lexer = new Lexer(source);
  }

  parseFilter(): FilterNode {
    // Subscription.filter reference: "If empty, then no messages are filtered out."
    if (this.lexer.peek().kind === 'end') return { kind: 'all' };
    const node = this.parseExpression();
    const after = this.lexer.peek();
    if (after.kind !== 'end') this.failAfterCondition(after, 'end of filter');
    return node;
  }

  private fail(position: number, detail: string): never {
    throw new FilterSyntaxError(this.source, position, detail);
  }

  private parseExpression(): ConditionNode {
    const first = this.parseTerm('a condition');
    const rest: ConditionNode[] = [];
    let joiner: BooleanOperator | undefined;
    for (;;) {
      const token = this.lexer.peek();
      const operator = asOperator(token);
      if (operator === undefined) break;
      if (joiner !== undefined && operator !== joiner) {
        // Docs: "To combine the AND and OR operators, use parentheses and complete expressions."
        this.fail(token.start, `expected ${joiner} or a parenthesized group, found "${operator}": AND and OR cannot be mixed without parentheses`);
      }
      joiner = operator;
      // Not in the Pub/Sub docs; AIP-160, whose grammar the language follows, writes operators as WS AND WS.
      if (!token.spaceBefore) this.fail(token.start, `expected whitespace before "${operator}"`);
      this.lexer.next();
      const following = this.lexer.peek();
      if (!following.spaceBefore && following.kind !== 'end') this.fail(token.end, `expected whitespace after "${operator}", found ${describe(following)}`);
      rest.push(this.parseTerm(`a condition after "${operator}"`));
    }
    if (joiner === undefined) return first;
    const operands = [first, ...rest] as [ConditionNode, ConditionNode, ...ConditionNode[]];
    return joiner === 'AND' ? { kind: 'and', operands } : { kind: 'or', operands };
  }

  private parseTerm(expected: string): ConditionNode {
    const token = this.lexer.peek();
    if (isWord(token, 'NOT')) {
      this.lexer.next();
      const following = this.lexer.peek();
      // Not in the Pub/Sub docs; AIP-160 writes the negation as term = [(NOT WS | MINUS)] simple.
      if (!following.spaceBefore && following.kind !== 'end') this.fail(token.end, `expected whitespace after "NOT", found ${describe(following)}`);
      return { kind: 'not', operand: this.parseSimple('a condition after "NOT"', true) };
    }
    if (token.kind === 'minus') {
      this.lexer.next();
      // Docs: "You can also use the unary minus operator instead of the NOT operator." A unary minus is written
      // against its operand (`-attributes:x`), as in the docs' example.
      if (this.lexer.peek().spaceBefore) this.fail(token.end, 'expected a condition immediately after "-", found whitespace');
      return { kind: 'not', operand: this.parseSimple('a condition after "-"', true) };
    }
    return this.parseSimple(expected, false);
  }

  private parseSimple(expected: string, negated: boolean): ConditionNode {
    const token = this.lexer.peek();
    if (token.kind === 'lparen') {
      this.lexer.next();
      const inner = this.parseExpression();
      const close = this.lexer.peek();
      if (close.kind !== 'rparen') this.failAfterCondition(close, `")" to close "(" at position ${token.start}`);
      this.lexer.next();
      return inner;
    }
    if (isWord(token, 'attributes')) return this.parseRestriction();
    if (isWord(token, 'hasPrefix')) return this.parseHasPrefix();
    if (negated && (isWord(token, 'NOT') || token.kind === 'minus')) {
      this.fail(token.start, `expected ${expected}, found ${describe(token)}: wrap a double negation in parentheses, e.g. NOT (NOT attributes:KEY)`);
    }
    this.fail(token.start, `expected ${expected} (${CONDITION_FORMS}), found ${describe(token)}${this.conditionHint(token)}`);
  }

  /** Extra words for the mistakes people make most at the start of a condition. */
  private conditionHint(token: Token): string {
    if (token.kind === 'word') {
      const keywordHint = lowercaseKeywordHint(token);
      if (keywordHint) return keywordHint;
      if (token.text.toLowerCase() === 'attributes') return '; identifiers are case-sensitive, write "attributes"';
      if (token.text.toLowerCase() === 'hasprefix') return '; function names are case-sensitive, write "hasPrefix"';
      // Docs: "hasPrefix is the only supported function in a filter."
      if (this.source[token.end] === '(') return `; "${token.text}" is not supported, hasPrefix is the only function`;
    }
    if (token.kind === 'string') return '; the left-hand side of a comparison must be attributes.KEY';
    return singleQuoteHint(token);
  }

  /** Reports what followed a complete condition when it is not AND, OR or `terminator`. */
  private failAfterCondition(token: Token, terminator: string): never {
    this.fail(token.start, `expected AND, OR or ${terminator}, found ${describe(token)}${afterConditionHint(token)}`);
  }

  /** `attributes:KEY` or `attributes.KEY (=|!=) "VALUE"`. */
  private parseRestriction(): ConditionNode {
    const identifier = this.lexer.next();
    const selector = this.lexer.peek();
    if (selector.kind !== 'dot' && selector.kind !== 'colon') {
      this.fail(selector.start, `expected "." or ":" after "attributes", found ${describe(selector)}`);
    }
    if (selector.spaceBefore) this.fail(identifier.end, `expected "${selector.text}" immediately after "attributes", found whitespace`);
    this.lexer.next();
    const key = this.parseKey(selector);
    if (selector.kind === 'colon') return { kind: 'has', key };

    const operator = this.lexer.peek();
    if (operator.kind !== 'equals' && operator.kind !== 'notEquals') {
      const hint = !operator.spaceBefore && operator.kind !== 'end' ? quoteKeyHint() : '';
      this.fail(operator.start, `expected "=" or "!=" after attributes.${formatKey(key)}, found ${describe(operator)}${hint}`);
    }
    this.lexer.next();
    // Docs: "The value must be a string literal" and "An expression with an equality operator must begin with a
    // key, and the equality operator must compare a key and a value."
    const value = this.lexer.peek();
    if (value.kind !== 'string') this.fail(value.start, `expected a quoted string after "${operator.text}", found ${describe(value)}${singleQuoteHint(value)}`);
    this.lexer.next();
    return operator.kind === 'equals' ? { kind: 'equals', key, value: value.value } : { kind: 'notEquals', key, value: value.value };
  }

  /** The key right after `.` or `:`: bare `[A-Za-z0-9_-]+` or a string literal. */
  private parseKey(selector: Token): string {
    const token = this.lexer.peek();
    if (token.kind !== 'key' && token.kind !== 'string') {
      // Docs: `attributes:\u307F\u3093\u306A` is invalid — escapes only work inside a string literal.
      const hint = token.text === '\\' ? '; escape sequences are only allowed inside a quoted string' : '';
      this.fail(token.start, `expected an attribute key after "${selector.text}", found ${describe(token)}${hint}`);
    }
    if (token.spaceBefore) this.fail(selector.end, `expected an attribute key immediately after "${selector.text}", found whitespace`);
    this.lexer.next();
    return token.value;
  }

  /** `hasPrefix(attributes.KEY, "PREFIX")` — docs: "hasPrefix(attributes.KEY, "SUBSTRING")". */
  private parseHasPrefix(): ConditionNode {
    const name = this.lexer.next();
    const open = this.lexer.peek();
    if (open.kind !== 'lparen') this.fail(open.start, `expected "(" after hasPrefix, found ${describe(open)}`);
    this.lexer.next();
    const identifier = this.lexer.peek();
    if (!isWord(identifier, 'attributes')) {
      this.fail(identifier.start, `expected attributes.KEY as the first argument of hasPrefix, found ${describe(identifier)}`);
    }
    this.lexer.next();
    const dot = this.lexer.peek();
    if (dot.kind !== 'dot' || dot.spaceBefore) {
      this.fail(dot.start, `expected "." immediately after "attributes" (hasPrefix takes attributes.KEY), found ${describe(dot)}`);
    }
    this.lexer.next();
    const key = this.parseKey(dot);
    const comma = this.lexer.peek();
    if (comma.kind !== 'comma') this.fail(comma.start, `expected "," after attributes.${formatKey(key)} in hasPrefix, found ${describe(comma)}`);
    this.lexer.next();
    const prefix = this.lexer.peek();
    if (prefix.kind !== 'string') {
      this.fail(prefix.start, `expected a quoted string as the prefix argument of hasPrefix, found ${describe(prefix)}${singleQuoteHint(prefix)}`);
    }
    this.lexer.next();
    const close = this.lexer.peek();
    if (close.kind !== 'rparen') this.fail(close.start, `expected ")" to close hasPrefix at position ${name.start}, found ${describe(close)}`);
    this.lexer.next();
    return { kind: 'hasPrefix', key, prefix: prefix.value };
  }
}

/** Extra words for what people most often write after a complete condition. */
function afterConditionHint(token: Token): string {
  const keywordHint = lowercaseKeywordHint(token);
  if (keywordHint) return keywordHint;
  if (token.kind === 'equals' || token.kind === 'notEquals') return '; attributes:KEY only tests presence, compare with attributes.KEY = "VALUE"';
  // A "." or "/" glued to a bare key: the key needed quotes.
  if (!token.spaceBefore && (token.kind === 'dot' || token.kind === 'colon' || token.kind === 'invalid')) return quoteKeyHint();
  // Docs only define AND and OR for joining conditions; juxtaposition is not an implicit AND.
  if (token.kind === 'word' || token.kind === 'string' || token.kind === 'lparen' || token.kind === 'minus') return '; join conditions with AND or OR';
  return '';
}

/** Docs: "The operators must be in uppercase letters." Only for a lowercase or mixed-case spelling. */
function lowercaseKeywordHint(token: Token): string {
  if (token.kind !== 'word') return '';
  const upper = LOWERCASE_KEYWORDS[token.text.toLowerCase()];
  return upper !== undefined && upper !== token.text ? `; boolean operators must be uppercase (${upper})` : '';
}

/** The docs only show double-quoted string literals. */
function singleQuoteHint(token: Token): string {
  return token.text === "'" ? '; string literals use double quotes' : '';
}

/** Docs: "If a key contains characters other than hyphens, underscores, or alphanumeric characters, use a string literal." */
function quoteKeyHint(): string {
  return '; keys with characters other than letters, digits, "-" and "_" must be quoted, e.g. attributes."iana.org/language_tag"';
}
