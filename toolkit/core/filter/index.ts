/**
 * Google Cloud Pub/Sub subscription filters
 * (https://cloud.google.com/pubsub/docs/subscription-message-filter): parse, evaluate, print.
 */
import type { ConditionNode, FilterNode } from './ast';
import { matchesFilter } from './evaluate';
import { formatKey, quoteString } from './lexer';
import { MAX_FILTER_BYTES, parseFilter } from './parser';

export type {
  AndNode,
  ConditionNode,
  EqualsNode,
  FilterNode,
  FilterNodeKind,
  HasAttributeNode,
  HasPrefixNode,
  MatchAllNode,
  NotEqualsNode,
  NotNode,
  OrNode,
} from './ast';
export { FILTER_NODE_KINDS } from './ast';
export { FilterSyntaxError } from './errors';
export { matchesFilter } from './evaluate';
/** Longest filter Pub/Sub accepts, in UTF-8 bytes (256). Defined where `parseFilter` enforces it. */
export { MAX_FILTER_BYTES, parseFilter } from './parser';

/**
 * Parses `source` once and returns a predicate over message attributes, for filtering many messages.
 * @throws FilterSyntaxError at once if Pub/Sub would refuse the filter.
 */
export function compileFilter(source: string): (attributes: Readonly<Record<string, string>>) => boolean {
  const node = parseFilter(source);
  return (attributes) => matchesFilter(node, attributes);
}

/**
 * Every attribute key the filter mentions, once each, in order of first appearance (empty for the empty filter).
 * Lets callers check a filter against the attributes their publishers actually set.
 */
export function filterAttributeKeys(node: FilterNode): string[] {
  const keys = new Set<string>();
  const visit = (current: FilterNode): void => {
    if (current.kind === 'all') return;
    if (current.kind === 'not') visit(current.operand);
    else if (current.kind === 'and' || current.kind === 'or') current.operands.forEach(visit);
    else keys.add(current.key);
  };
  visit(node);
  return [...keys];
}

/** Spellings of the two printing styles. */
const STYLES = {
  readable: { not: 'NOT ', equals: ' = ', notEquals: ' != ', comma: ', ' },
  compact: { not: '-', equals: '=', notEquals: '!=', comma: ',' },
} as const;
type Style = (typeof STYLES)[keyof typeof STYLES];

/**
 * Canonical text of a filter: `NOT` for negation, spaces around `=`/`!=`, keys bare unless the docs require
 * quotes, strings escaped only where needed, parentheses only where the grammar needs them. `parseFilter` of the
 * result gives back an equal tree.
 *
 * If that readable form would exceed `MAX_FILTER_BYTES` (the source may have used `-` and no spaces), the compact
 * form is returned instead; it is never longer than any source that parses to the same tree, so the output of
 * `formatFilter(parseFilter(s))` is always a filter Pub/Sub accepts.
 */
export function formatFilter(node: FilterNode): string {
  if (node.kind === 'all') return '';
  const readable = print(node, STYLES.readable);
  return Buffer.byteLength(readable, 'utf8') <= MAX_FILTER_BYTES ? readable : print(node, STYLES.compact);
}

function print(node: ConditionNode, style: Style): string {
  switch (node.kind) {
    case 'has':
      return `attributes:${formatKey(node.key)}`;
    case 'equals':
      return `attributes.${formatKey(node.key)}${style.equals}${quoteString(node.value)}`;
    case 'notEquals':
      return `attributes.${formatKey(node.key)}${style.notEquals}${quoteString(node.value)}`;
    case 'hasPrefix':
      return `hasPrefix(attributes.${formatKey(node.key)}${style.comma}${quoteString(node.prefix)})`;
    case 'not':
      // NOT applies to one simple condition; a negated group or negation needs parentheses to re-parse.
      return style.not + printOperand(node.operand, style, true);
    case 'and':
      return node.operands.map((operand) => printOperand(operand, style, false)).join(' AND ');
    case 'or':
      return node.operands.map((operand) => printOperand(operand, style, false)).join(' OR ');
  }
}

function printOperand(node: ConditionNode, style: Style, underNot: boolean): string {
  // Docs: AND and OR need "parentheses and complete expressions" to combine; nesting the same operator also
  // came from parentheses, since the parser keeps one level flat.
  const grouped = node.kind === 'and' || node.kind === 'or' || (underNot && node.kind === 'not');
  const text = print(node, style);
  return grouped ? `(${text})` : text;
}
