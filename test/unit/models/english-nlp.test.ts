import {
  DEFAULT_NEUTRAL_BAND,
  loadEnglishNlp,
  SENTIMENT_LABELS,
  type EnglishNlp,
  type SentimentLabel,
} from '../../../functions/models/english-nlp';
import texts from '../../fixtures/models/texts.json';

const sentimentCases: ReadonlyArray<readonly [SentimentLabel, string]> = SENTIMENT_LABELS.flatMap((label) =>
  texts.sentiment[label].map((text) => [label, text] as const),
);

describe('loadEnglishNlp (real wink-nlp English model)', () => {
  let nlp: EnglishNlp;

  beforeAll(async () => {
    nlp = await loadEnglishNlp();
  });

  it.each(sentimentCases)('labels a %s sentence: %s', (label, text) => {
    // Prepare: the fixture sentence

    // Act
    const { sentiment } = nlp.analyze(text);

    // Assess
    expect(sentiment.label).toBe(label);
    expect(sentiment.score).toBeGreaterThanOrEqual(-1);
    expect(sentiment.score).toBeLessThanOrEqual(1);
    if (label === 'positive') expect(sentiment.score).toBeGreaterThan(DEFAULT_NEUTRAL_BAND);
    if (label === 'negative') expect(sentiment.score).toBeLessThan(-DEFAULT_NEUTRAL_BAND);
  });

  it('scores clearly positive text above clearly negative text', () => {
    // Prepare
    const [positive, negative] = [texts.sentiment.positive[0], texts.sentiment.negative[0]];

    // Act
    const scores = [positive, negative].map((text) => nlp.analyze(text).sentiment.score);

    // Assess
    expect(scores[0]).toBeGreaterThan(0.3);
    expect(scores[1]).toBeLessThan(-0.3);
  });

  it('finds the date, money amount, e-mail address, URL, hashtag and mention', () => {
    // Prepare
    const { text, expected } = texts.entities;

    // Act
    const { entities } = nlp.analyze(text);

    // Assess
    expect(entities).toEqual(expected);
  });

  it('lists each entity value once, in order of first appearance', () => {
    // Prepare
    const { text, expected } = texts.repeatedEntities;

    // Act
    const { entities } = nlp.analyze(text);

    // Assess
    expect(entities.EMAIL).toEqual(expected.EMAIL);
  });

  it('counts sentences and tokens (punctuation is a token, whitespace is not)', () => {
    // Prepare
    const { text, sentenceCount, tokenCount } = texts.counts;

    // Act
    const analysis = nlp.analyze(text);

    // Assess
    expect(analysis.sentenceCount).toBe(sentenceCount);
    expect(analysis.tokenCount).toBe(tokenCount);
  });

  it.each([
    ['empty', ''],
    ['whitespace-only', ' \n\t '],
  ])('returns an empty neutral analysis for %s text', (_name, text) => {
    // Prepare: nothing to analyse (wink itself would report one sentence)

    // Act
    const analysis = nlp.analyze(text);

    // Assess
    expect(analysis).toEqual({
      sentiment: { score: 0, label: 'neutral' },
      entities: {},
      sentenceCount: 0,
      tokenCount: 0,
    });
  });

  it('recognises emoji as entities', () => {
    // Prepare
    const text = texts.emojiOnly;

    // Act
    const analysis = nlp.analyze(text);

    // Assess
    expect(analysis.entities.EMOJI).toEqual(expect.arrayContaining(['😀', '🎉', '👍', '🔥', '😂']));
    expect(analysis.sentenceCount).toBeGreaterThanOrEqual(1);
  });

  it('analyses mixed-script text without throwing', () => {
    // Prepare
    const text = texts.mixedScript;

    // Act
    const analysis = nlp.analyze(text);

    // Assess
    expect(SENTIMENT_LABELS).toContain(analysis.sentiment.label);
    expect(analysis.tokenCount).toBeGreaterThan(0);
    expect(analysis.entities.HASHTAG).toEqual(['#tag']);
  });

  it('applies a custom neutral band to the same score', async () => {
    // Prepare: a positive sentence scoring ~0.52, under a band wider than that
    const text = texts.sentiment.positive[1];
    const wide = await loadEnglishNlp({ neutralBand: 0.9 });

    // Act
    const [strict, lenient] = [nlp.analyze(text), wide.analyze(text)];

    // Assess
    expect(lenient.sentiment.score).toBe(strict.sentiment.score);
    expect(strict.sentiment.label).toBe('positive');
    expect(lenient.sentiment.label).toBe('neutral');
  });

  // 25 rebuilds: unpatched, the model package's metaCER() makes the 21st throw "RangeError: Invalid string length".
  it('gives identical results across 25 pipeline rebuilds that drop cached unknown words', async () => {
    // Prepare: a limit of 5 new words, exceeded by every message with a fresh order id and e-mail address
    const recycling = await loadEnglishNlp({ oovLexemeLimit: 5 });
    const messages = Array.from(
      { length: 25 },
      (_, i) => `Order zq${i}x for user${i}@example.com. ${texts.entities.text}`,
    );

    // Act
    const analyses = messages.map((text) => recycling.analyze(text));

    // Assess
    expect(analyses.map((a) => a.entities.EMAIL)).toEqual(
      messages.map((_, i) => [`user${i}@example.com`, ...texts.entities.expected.EMAIL]),
    );
    expect(recycling.analyze(texts.entities.text)).toEqual(nlp.analyze(texts.entities.text));
  });

  it('rejects a neutral band outside 0..1', async () => {
    // Prepare
    const bands = [-0.1, 1.5, Number.NaN];

    // Act
    const results = await Promise.allSettled(bands.map((neutralBand) => loadEnglishNlp({ neutralBand })));

    // Assess
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  it('returns the same instance to concurrent and later callers', async () => {
    // Prepare: nothing; the first load happened in beforeAll

    // Act
    const [a, b] = await Promise.all([loadEnglishNlp(), loadEnglishNlp({ neutralBand: DEFAULT_NEUTRAL_BAND })]);
    const c = await loadEnglishNlp({});

    // Assess
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(c).toBe(nlp);
  });
});

describe('loadEnglishNlp in a fresh module registry', () => {
  it('shares one load between two concurrent first calls', async () => {
    // Prepare: a module registry where nothing has been loaded yet
    let load: typeof loadEnglishNlp | undefined;
    jest.isolateModules(() => {
      ({ loadEnglishNlp: load } = require('../../../functions/models/english-nlp'));
    });
    if (!load) throw new Error('module did not load');

    // Act
    const first = load();
    const second = load();

    // Assess
    expect(await second).toBe(await first);
  });
});
