import { PUBSUB_LIMITS } from '../../../toolkit/core/pipeline/defaults';
import { LimitExceededError } from '../../../toolkit/core/runtime/errors';
import { assertWithinLimits, limitProblems, messageSize, truncateUtf8, type OutgoingMessage } from '../../../toolkit/core/runtime/limits';
import { manyAttributes } from '../../support/factories/received-message';

const TEN_MB = 10 * 1024 * 1024;

/** A small valid message with the given changes. */
function outgoing(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { data: Buffer.from('{"text":"hello"}'), attributes: { correlationId: 'c-1' }, ...overrides };
}

const bytes = (value: string): number => Buffer.byteLength(value, 'utf8');

describe('limitProblems', () => {
  it('uses Pub/Sub limits', () => {
    expect(PUBSUB_LIMITS).toMatchObject({ attributesPerMessage: 100, attributeKeyBytes: 256, attributeValueBytes: 1024, orderingKeyBytes: 1024, messageBytes: TEN_MB });
  });

  it.each([
    ['100 attributes', manyAttributes(100), []],
    ['101 attributes', manyAttributes(101), ['101 attributes; Pub/Sub allows at most 100']],
  ])('%s', (_name, attributes, expected) => {
    expect(limitProblems(outgoing({ attributes }))).toEqual(expected);
  });

  describe('attribute values, counted in UTF-8 bytes', () => {
    it.each([
      ['1024 ASCII bytes', 'a'.repeat(1024)],
      ['512 two-byte characters', 'é'.repeat(512)],
      ['341 three-byte characters and one ASCII byte', `${'日'.repeat(341)}a`],
      ['256 four-byte characters', '🎉'.repeat(256)],
    ])('accepts %s', (_name, value) => {
      // Prepare
      expect(bytes(value)).toBe(1024);

      // Act / Assess
      expect(limitProblems(outgoing({ attributes: { claimCheck: value } }))).toEqual([]);
    });

    it.each([
      ['1025 ASCII bytes', 'a'.repeat(1025)],
      ['512 two-byte characters and one ASCII byte', `${'é'.repeat(512)}a`],
      ['513 two-byte characters (only 513 JavaScript characters)', 'é'.repeat(513)],
      ['256 four-byte characters and one ASCII byte', `${'🎉'.repeat(256)}a`],
    ])('refuses %s, naming the attribute', (_name, value) => {
      // Act
      const problems = limitProblems(outgoing({ attributes: { claimCheck: value } }));

      // Assess
      expect(problems).toEqual([`attribute "claimCheck" value is ${bytes(value)} bytes; at most 1024 allowed`]);
    });
  });

  describe('attribute keys', () => {
    it.each([
      ['256 ASCII bytes', 'k'.repeat(256)],
      ['128 two-byte characters', 'é'.repeat(128)],
    ])('accepts a key of %s', (_name, key) => {
      expect(limitProblems(outgoing({ attributes: { [key]: 'v' } }))).toEqual([]);
    });

    it.each([
      ['257 ASCII bytes', 'k'.repeat(257), 257],
      ['128 two-byte characters and one ASCII byte', `${'é'.repeat(128)}k`, 257],
    ])('refuses a key of %s', (_name, key, size) => {
      // Act
      const problems = limitProblems(outgoing({ attributes: { [key]: 'v' } }));

      // Assess
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`is ${size} bytes; at most 256 allowed`);
    });

    it.each(['goog', 'googLang', 'GOOG-trace', 'Googlebot'])('refuses the reserved key %j', (key) => {
      expect(limitProblems(outgoing({ attributes: { [key]: 'v' } }))).toEqual([`attribute key "${key}" starts with "goog", which Google reserves`]);
    });

    it.each(['xgoog', 'go', 'gog'])('accepts %j, which does not start with goog', (key) => {
      expect(limitProblems(outgoing({ attributes: { [key]: 'v' } }))).toEqual([]);
    });

    it('refuses an empty key', () => {
      expect(limitProblems(outgoing({ attributes: { '': 'v' } }))).toEqual(['an attribute key is empty']);
    });
  });

  describe('the ordering key', () => {
    it.each([
      ['1024 bytes', 'o'.repeat(1024), []],
      ['512 two-byte characters', 'ö'.repeat(512), []],
      ['1025 bytes', 'o'.repeat(1025), ['ordering key is 1025 bytes; at most 1024 allowed']],
      ['512 two-byte characters and one ASCII byte', `${'ö'.repeat(512)}o`, ['ordering key is 1025 bytes; at most 1024 allowed']],
    ])('%s', (_name, orderingKey, expected) => {
      expect(limitProblems(outgoing({ orderingKey }))).toEqual(expected);
    });
  });

  describe('the 10 MB message size, counting data, attributes and ordering key', () => {
    // 12 bytes of attribute keys and values plus a 3-byte ordering key count against the limit with the data.
    const attributes = { lang: 'en', stage: 'x' };
    const orderingKey = 'k-1';
    const overhead = bytes('lang') + bytes('en') + bytes('stage') + bytes('x') + bytes(orderingKey);

    it('accepts exactly 10 MB', () => {
      // Prepare
      const message = outgoing({ data: Buffer.alloc(TEN_MB - overhead), attributes, orderingKey });

      // Act / Assess
      expect(messageSize(message)).toBe(TEN_MB);
      expect(limitProblems(message)).toEqual([]);
    });

    it('refuses one byte more, even when the extra byte is in an attribute', () => {
      // Prepare
      const message = outgoing({ data: Buffer.alloc(TEN_MB - overhead), attributes: { ...attributes, stage: 'xy' }, orderingKey });

      // Act
      const problems = limitProblems(message);

      // Assess
      expect(messageSize(message)).toBe(TEN_MB + 1);
      expect(problems).toEqual([`message is ${TEN_MB + 1} bytes; Pub/Sub allows at most ${TEN_MB} (10 MB) including attributes`]);
    });

    it('counts multi-byte attribute values in bytes', () => {
      expect(messageSize({ data: Buffer.alloc(0), attributes: { k: '€' } })).toBe(1 + 3);
    });
  });
});

describe('assertWithinLimits', () => {
  it('passes a valid message', () => {
    expect(() => assertWithinLimits(outgoing(), 'result of stage language')).not.toThrow();
  });

  it('throws a LimitExceededError naming what was checked and every problem', () => {
    // Prepare
    const message = outgoing({ attributes: { ...manyAttributes(100), googX: 'v' }, orderingKey: 'o'.repeat(1025) });

    // Act
    let thrown: unknown;
    try {
      assertWithinLimits(message, 'result of stage language');
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(LimitExceededError);
    const error = thrown as LimitExceededError;
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^result of stage language exceeds Pub\/Sub limits: /);
    expect(error.message).toContain('101 attributes');
    expect(error.message).toContain('"googX" starts with "goog"');
    expect(error.message).toContain('ordering key is 1025 bytes');
  });
});

describe('truncateUtf8', () => {
  const samples = [
    'plain ASCII text that goes on for a while',
    'é'.repeat(40),
    '日本語のテキストです。日本語のテキストです。',
    '🎉🚀👋🎉🚀👋🎉🚀👋🎉🚀👋',
    'mixed: a é 日 🎉 b ü 語 🚀 c',
    // A family emoji: several code points joined by zero-width joiners.
    '👨‍👩‍👧‍👦 and more 👨‍👩‍👧‍👦',
  ];

  it.each(samples)('returns %j unchanged when it fits', (value) => {
    expect(truncateUtf8(value, bytes(value))).toBe(value);
  });

  it.each(samples)('cuts %j within every budget from 3 bytes up, on a code point boundary', (value) => {
    for (let maxBytes = 3; maxBytes < bytes(value); maxBytes += 1) {
      // Act
      const cut = truncateUtf8(value, maxBytes);

      // Assess: within budget, marked, a whole-code-point prefix, and as long as the budget allows.
      expect(bytes(cut)).toBeLessThanOrEqual(maxBytes);
      expect(cut.endsWith('…')).toBe(true);
      const kept = cut.slice(0, -1);
      expect(value.startsWith(kept)).toBe(true);
      expect([...value].slice(0, [...kept].length).join('')).toBe(kept);
      expect(kept).not.toContain('\uFFFD');
      const next = [...value][[...kept].length] ?? '';
      expect(bytes(kept) + bytes(next) + bytes('…')).toBeGreaterThan(maxBytes);
    }
  });

  it('cuts to the 1024-byte attribute value limit', () => {
    // Prepare
    const value = '日'.repeat(1000);

    // Act
    const cut = truncateUtf8(value, 1024);

    // Assess: 340 characters (1020 bytes) and the 3-byte ellipsis.
    expect(cut).toBe(`${'日'.repeat(340)}…`);
    expect(bytes(cut)).toBe(1023);
  });
});
