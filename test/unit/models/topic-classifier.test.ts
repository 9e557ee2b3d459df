import { createTopicClassifier, parseTopicExamples, type TopicExamples } from '../../../functions/models/topic-classifier';
import type { SentenceEncoder } from '../../../functions/models/sentence-encoder';
import shipped from '../../../functions/models/data/ticket-topics.json';

/**
 * A fake encoder: each text's embedding is the unit vector of its keyword counts over a tiny vocabulary, so
 * nearest neighbours are predictable by reading the texts.
 */
const VOCABULARY = ['refund', 'charge', 'crash', 'error', 'password', 'login', 'thanks', 'great'];
function fakeEncoder(): SentenceEncoder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async embed(texts) {
      calls.push([...texts]);
      return texts.map((text) => {
        const v = Float32Array.from(VOCABULARY, (word) => (text.toLowerCase().includes(word) ? 1 : 0));
        const norm = Math.hypot(...v) || 1;
        return v.map((x) => x / norm);
      });
    },
  };
}

const examples: TopicExamples = {
  labels: {
    billing: ['refund please', 'double charge', 'refund my charge'],
    bug: ['app crash', 'error on save', 'crash with error'],
    account: ['reset password', 'login fails', 'password and login'],
  },
};

describe('createTopicClassifier', () => {
  it('labels a text after its nearest examples, with shares that sum to 1', async () => {
    // Prepare
    const encoder = fakeEncoder();
    const classifier = await createTopicClassifier(encoder, examples, { neighbours: 3 });
    const [embedding] = await encoder.embed(['I want a refund for this charge']);

    // Act
    const prediction = classifier.classify(embedding as Float32Array);

    // Assess
    expect(prediction.label).toBe('billing');
    expect(prediction.score).toBeGreaterThan(0.5);
    expect(Object.keys(prediction.scores)).toEqual(['billing', 'bug', 'account']);
    expect(Object.values(prediction.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    expect(prediction.nearestSimilarity).toBeCloseTo(1, 3);
  });

  it('embeds the examples in batches of at most 32', async () => {
    // Prepare
    const encoder = fakeEncoder();
    const many: TopicExamples = { labels: { a: Array.from({ length: 40 }, (_, i) => `refund ${i}`), b: Array.from({ length: 30 }, (_, i) => `crash ${i}`) } };

    // Act
    const classifier = await createTopicClassifier(encoder, many);

    // Assess
    expect(encoder.calls.map((batch) => batch.length)).toEqual([32, 32, 6]);
    expect(classifier.labels).toEqual(['a', 'b']);
  });

  it('refuses a neighbour count below 1', async () => {
    await expect(createTopicClassifier(fakeEncoder(), examples, { neighbours: 0 })).rejects.toThrow('neighbours must be a whole number ≥ 1, got 0');
  });
});

describe('parseTopicExamples', () => {
  it('accepts the shipped examples: five labels with 8 to 15 examples each', () => {
    // Act
    const parsed = parseTopicExamples(shipped);

    // Assess
    expect(Object.keys(parsed.labels)).toEqual(['billing', 'bug', 'account', 'praise', 'other']);
    for (const texts of Object.values(parsed.labels)) {
      expect(texts.length).toBeGreaterThanOrEqual(8);
      expect(texts.length).toBeLessThanOrEqual(15);
    }
  });

  it.each([
    [{ labels: { Billing: ['a', 'b'], bug: ['c', 'd'] } }, /labels\.Billing: expected a topic label of lowercase letters/],
    [{ labels: { billing: ['only one'], bug: ['c', 'd'] } }, /labels\.billing: expected at least 2 examples per label/],
    [{ labels: { billing: ['a', '  '], bug: ['c', 'd'] } }, /labels\.billing\.1: expected non-blank example texts/],
    [{ labels: { billing: ['a', 'b'] } }, /expected at least 2 labels/],
  ])('names what is wrong in %j', (value, message) => {
    expect(() => parseTopicExamples(value)).toThrow(message);
  });
});
