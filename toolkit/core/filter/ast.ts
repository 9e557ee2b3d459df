/**
 * AST of a Pub/Sub subscription filter
 * (https://cloud.google.com/pubsub/docs/subscription-message-filter).
 *
 * The tree records meaning, not spelling: `-` and `NOT` both become `not`, quoted and bare keys are the same
 * string, redundant parentheses vanish. Parentheses that group an `and` inside an `and` (or an `or` inside an
 * `or`) are kept as nesting, so printing and re-parsing gives the same tree.
 */

/** Every `kind` a node can have. */
export const FILTER_NODE_KINDS = ['all', 'has', 'equals', 'notEquals', 'hasPrefix', 'not', 'and', 'or'] as const;
/** One of `FILTER_NODE_KINDS`. */
export type FilterNodeKind = (typeof FILTER_NODE_KINDS)[number];

/** The empty filter. Google: "If empty, then no messages are filtered out" (Subscription.filter reference). */
export interface MatchAllNode {
  readonly kind: 'all';
}

/** `attributes:KEY` — the message has an attribute named `key`. */
export interface HasAttributeNode {
  readonly kind: 'has';
  readonly key: string;
}

/** `attributes.KEY = "VALUE"` — the attribute exists and equals `value` exactly (case-sensitive). */
export interface EqualsNode {
  readonly kind: 'equals';
  readonly key: string;
  readonly value: string;
}

/** `attributes.KEY != "VALUE"` — true unless the attribute exists with exactly `value`. */
export interface NotEqualsNode {
  readonly kind: 'notEquals';
  readonly key: string;
  readonly value: string;
}

/** `hasPrefix(attributes.KEY, "PREFIX")` — the attribute exists and its value starts with `prefix`. */
export interface HasPrefixNode {
  readonly kind: 'hasPrefix';
  readonly key: string;
  readonly prefix: string;
}

/** `NOT condition` or `-condition`. */
export interface NotNode {
  readonly kind: 'not';
  readonly operand: ConditionNode;
}

/** Two or more conditions joined by `AND` at one level. */
export interface AndNode {
  readonly kind: 'and';
  readonly operands: readonly [ConditionNode, ConditionNode, ...ConditionNode[]];
}

/** Two or more conditions joined by `OR` at one level. */
export interface OrNode {
  readonly kind: 'or';
  readonly operands: readonly [ConditionNode, ConditionNode, ...ConditionNode[]];
}

/** Any node except `all`: only a whole filter can be empty, never a part of one. */
export type ConditionNode = HasAttributeNode | EqualsNode | NotEqualsNode | HasPrefixNode | NotNode | AndNode | OrNode;

/** A parsed filter: the empty filter, or one condition tree. */
export type FilterNode = MatchAllNode | ConditionNode;
