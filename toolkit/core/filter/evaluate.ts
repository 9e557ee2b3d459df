import type { FilterNode } from './ast';

function has(attributes: Readonly<Record<string, string>>, key: string): boolean {
  // Own properties only: a message without attributes must not "have" `constructor` or `__proto__`.
  return Object.hasOwn(attributes, key);
}

/**
 * Whether a message with these attributes passes the filter, i.e. would be delivered rather than auto-acked.
 * Follows the docs' table for a message's `name` attribute:
 *   - `attributes.name != "com"`: "Messages without the name attribute and the value of com" — so a message that
 *     lacks `name` matches, exactly like `NOT attributes.name = "com"`;
 *   - `NOT hasPrefix(attributes.name, "co")`: "Messages without the name attribute and a value that starts with
 *     co" — a message that lacks `name` matches;
 *   - `=`, `:` and `hasPrefix` never match a missing attribute.
 * Comparisons are exact and case-sensitive ("The key and value are case-sensitive and must match the attribute
 * exactly"); no Unicode normalization.
 */
export function matchesFilter(node: FilterNode, attributes: Readonly<Record<string, string>>): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'has':
      return has(attributes, node.key);
    case 'equals':
      return has(attributes, node.key) && attributes[node.key] === node.value;
    case 'notEquals':
      return !(has(attributes, node.key) && attributes[node.key] === node.value);
    case 'hasPrefix':
      return has(attributes, node.key) && attributes[node.key].startsWith(node.prefix);
    case 'not':
      return !matchesFilter(node.operand, attributes);
    case 'and':
      return node.operands.every((operand) => matchesFilter(operand, attributes));
    case 'or':
      return node.operands.some((operand) => matchesFilter(operand, attributes));
  }
}
