import { compileFilter, FilterSyntaxError, matchesFilter, parseFilter, type FilterNode } from '../../../toolkit/core/filter';
import evaluateFixtures from '../../fixtures/filters/evaluate.json';

/** One message: does `filter` deliver a message with `attributes`? `basis` as in parser.test.ts. */
interface EvaluateCase {
  readonly name: string;
  readonly basis: string;
  readonly filter: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly expected: boolean;
}

const evaluateCases = evaluateFixtures as unknown as readonly EvaluateCase[];

describe('matchesFilter', () => {
  it.each(evaluateCases)('$name: $filter', ({ filter, attributes, expected }) => {
    expect(matchesFilter(parseFilter(filter), attributes)).toBe(expected);
  });

  it('treats != as NOT = for every fixture message (docs: "Messages without the name attribute and the value of com")', () => {
    // Prepare
    const equals: FilterNode = { kind: 'equals', key: 'name', value: 'com' };
    const notEquals: FilterNode = { kind: 'notEquals', key: 'name', value: 'com' };

    // Act
    const disagreements = evaluateCases.filter(
      ({ attributes }) => matchesFilter(notEquals, attributes) !== !matchesFilter(equals, attributes),
    );

    // Assess
    expect(disagreements).toEqual([]);
  });

  it('evaluates hand-built trees with n-ary AND and OR', () => {
    // Prepare
    const node: FilterNode = {
      kind: 'or',
      operands: [
        { kind: 'and', operands: [{ kind: 'has', key: 'a' }, { kind: 'has', key: 'b' }, { kind: 'has', key: 'c' }] },
        { kind: 'not', operand: { kind: 'hasPrefix', key: 'd', prefix: 'x' } },
      ],
    };
    const messages: readonly Readonly<Record<string, string>>[] = [{ a: '', b: '', c: '', d: 'x' }, { a: '', d: 'xy' }, { d: 'y' }];

    // Act
    const results = messages.map((attributes) => matchesFilter(node, attributes));

    // Assess
    expect(results).toEqual([true, false, true]);
  });
});

describe('compileFilter', () => {
  it.each(evaluateCases)('agrees with matchesFilter: $name', ({ filter, attributes, expected }) => {
    expect(compileFilter(filter)(attributes)).toBe(expected);
  });

  it('parses once and reuses the tree for every message', () => {
    // Prepare
    const matches = compileFilter('attributes:"iana.org/language_tag" AND (attributes.name = "net" OR attributes.name = "org")');
    const messages: readonly Readonly<Record<string, string>>[] = [
      { 'iana.org/language_tag': 'en', name: 'net' },
      { 'iana.org/language_tag': 'en', name: 'com' },
      { name: 'org' },
    ];

    // Act
    const delivered = messages.map((attributes) => matches(attributes));

    // Assess
    expect(delivered).toEqual([true, false, false]);
  });

  it('throws FilterSyntaxError when compiling, not when matching', () => {
    expect(() => compileFilter('attributes:a AND attributes:b OR attributes:c')).toThrow(FilterSyntaxError);
  });
});
