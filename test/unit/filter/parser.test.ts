import {
  filterAttributeKeys,
  FilterSyntaxError,
  formatFilter,
  MAX_FILTER_BYTES,
  parseFilter,
  type FilterNode,
} from '../../../toolkit/core/filter';
import invalidFixtures from '../../fixtures/filters/invalid.json';
import validFixtures from '../../fixtures/filters/valid.json';

/**
 * `basis` says where a case comes from: `google-docs` (an example on Google's "Filter messages" page),
 * `google-docs-rule` (follows from a rule stated there), `pstest` (Google's Go fake), `aip-160` (lexical detail
 * of the AIP-160 grammar the language follows) or `interpretation` (the docs are silent; we chose the strict side).
 */
interface ValidCase {
  readonly name: string;
  readonly basis: string;
  readonly filter: string;
  readonly ast: FilterNode;
  readonly canonical: string;
}

interface InvalidCase {
  readonly name: string;
  readonly basis: string;
  readonly filter: string;
  readonly position: number;
  readonly fragment: string;
}

const validCases = validFixtures as unknown as readonly ValidCase[];
const invalidCases = invalidFixtures as readonly InvalidCase[];

/** Runs `parseFilter` and returns what it threw; fails the test if it did not throw a FilterSyntaxError. */
function syntaxErrorOf(filter: string): FilterSyntaxError {
  try {
    parseFilter(filter);
  } catch (error) {
    if (error instanceof FilterSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(filter)} to be rejected`);
}

describe('parseFilter', () => {
  describe('accepts the filters Google documents', () => {
    it.each(validCases)('$name: $filter', ({ filter, ast }) => {
      expect(parseFilter(filter)).toEqual(ast);
    });
  });

  describe('rejects the filters Google rejects', () => {
    it.each(invalidCases)('$name: $filter', ({ filter, position, fragment }) => {
      // Act
      const error = syntaxErrorOf(filter);

      // Assess
      expect(error.message).toContain(fragment);
      expect(error.message.startsWith(`Invalid filter at position ${position}: expected `)).toBe(true);
      expect(error.position).toBe(position);
      expect(error.filter).toBe(filter);
    });
  });

  describe(`the ${MAX_FILTER_BYTES}-byte limit (docs: "The maximum length of a filter is 256 bytes.")`, () => {
    /** `attributes.k = "…"` padded with `fill` to exactly `bytes` UTF-8 bytes (fill must be 1 or 2 bytes). */
    const filterOfBytes = (bytes: number, fill: string): string => {
      const frame = 'attributes.k = ""';
      const fillBytes = Buffer.byteLength(fill, 'utf8');
      const room = bytes - frame.length;
      const body = fill.repeat(Math.floor(room / fillBytes)) + 'x'.repeat(room % fillBytes);
      return `attributes.k = "${body}"`;
    };

    it('accepts exactly 256 bytes', () => {
      // Prepare
      const filter = filterOfBytes(256, 'x');

      // Act
      const node = parseFilter(filter);

      // Assess
      expect(Buffer.byteLength(filter, 'utf8')).toBe(256);
      expect(node.kind).toBe('equals');
    });

    it('rejects 257 bytes, pointing at the first byte past the limit', () => {
      // Prepare
      const filter = filterOfBytes(257, 'x');

      // Act
      const error = syntaxErrorOf(filter);

      // Assess
      expect(error.position).toBe(256);
      expect(error.message).toBe('Invalid filter at position 256: expected at most 256 bytes (UTF-8), found 257 bytes');
    });

    it('counts UTF-8 bytes, not characters', () => {
      // Prepare: 257 bytes in far fewer than 256 characters.
      const filter = filterOfBytes(257, 'é');
      const charactersThatFit = [...filter].findIndex((_, index, all) => Buffer.byteLength(all.slice(0, index + 1).join(''), 'utf8') > 256);

      // Act
      const error = syntaxErrorOf(filter);

      // Assess
      expect(filter.length).toBeLessThan(256);
      expect(error.position).toBe(charactersThatFit);
      expect(error.message).toContain('found 257 bytes');
    });

    it('checks the length before the syntax', () => {
      expect(syntaxErrorOf('!'.repeat(300)).message).toContain('expected at most 256 bytes');
    });
  });

  it('reports errors as FilterSyntaxError, an Error named for its class', () => {
    // Act
    const error = syntaxErrorOf('attributes.lang = en');

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('FilterSyntaxError');
    expect(error.detail).toBe('expected a quoted string after "=", found "en"');
    expect(error.message).toBe('Invalid filter at position 18: expected a quoted string after "=", found "en"');
  });
});

describe('formatFilter', () => {
  describe('prints the canonical form', () => {
    it.each(validCases)('$name: $filter', ({ filter, canonical }) => {
      expect(formatFilter(parseFilter(filter))).toBe(canonical);
    });
  });

  describe('round-trips: the canonical form re-parses to an equal AST and is a fixed point', () => {
    it.each(validCases)('$name: $filter', ({ filter }) => {
      // Prepare
      const ast = parseFilter(filter);

      // Act
      const printed = formatFilter(ast);
      const reparsed = parseFilter(printed);

      // Assess
      expect(reparsed).toEqual(ast);
      expect(formatFilter(reparsed)).toBe(printed);
    });
  });

  it('falls back to the compact form when the readable one would exceed the limit', () => {
    // Prepare: 256 bytes written with "-" and no spaces; the readable form ("NOT ", " = ") would be longer.
    const condition = '-attributes.k="v"';
    const joined = Array.from({ length: 11 }, () => condition).join(' AND ');
    const filter = `${joined}${' '.repeat(MAX_FILTER_BYTES - joined.length)}`;
    const ast = parseFilter(filter);

    // Act
    const printed = formatFilter(ast);

    // Assess
    expect(Buffer.byteLength(filter, 'utf8')).toBe(MAX_FILTER_BYTES);
    expect(printed).toBe(joined);
    expect(parseFilter(printed)).toEqual(ast);
  });

  it('quotes keys only when the docs require it and escapes only what must be escaped', () => {
    // Prepare
    const node: FilterNode = {
      kind: 'and',
      operands: [
        { kind: 'equals', key: 'a key', value: 'say "hi"\\' },
        { kind: 'hasPrefix', key: 'plain-key_1', prefix: '\u0000\u00e9' },
      ],
    };

    // Act
    const printed = formatFilter(node);

    // Assess
    expect(printed).toBe('attributes."a key" = "say \\"hi\\"\\\\" AND hasPrefix(attributes.plain-key_1, "\\x00\u00e9")');
    expect(parseFilter(printed)).toEqual(node);
  });
});

describe('filterAttributeKeys', () => {
  it.each([
    { filter: '', keys: [] },
    { filter: 'attributes:a', keys: ['a'] },
    {
      filter: 'attributes:"iana.org/language_tag" AND (attributes.name = "net" OR hasPrefix(attributes.name, "co")) AND NOT attributes.x != "y"',
      keys: ['iana.org/language_tag', 'name', 'x'],
    },
  ])('lists each key once, in order: $filter', ({ filter, keys }) => {
    expect(filterAttributeKeys(parseFilter(filter))).toEqual(keys);
  });
});
