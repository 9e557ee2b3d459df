/**
 * The classify stage with the real Universal Sentence Encoder lite and the shipped labelled examples: accuracy on
 * held-out tickets, and micro-batching of concurrent requests onto shared model calls.
 */
import { loadSentenceEncoder } from '../../../functions/models/sentence-encoder';
import { loadTopicClassifier } from '../../../functions/models/topic-classifier';
import { definition } from '../../../functions/definition';
import { loadClassifyDeps } from '../../../functions/stages/classify';
import { handleClassify, type ClassifyDeps } from '../../../functions/stages/classify/handler';
import type { NlpOutput } from '../../../functions/stages/nlp/schema';
import heldOut from '../../fixtures/stages/ticket-topics-heldout.json';
import { stageContext } from '../../unit/stages/context';

jest.setTimeout(60_000);

function nlpOutput(text: string): NlpOutput {
  return {
    text,
    language: { code: 'en', confidence: 0.99, reliable: true, proportion: 1 },
    nlp: { sentiment: { score: 0, label: 'neutral' }, entities: {}, sentenceCount: 1, tokenCount: 10 },
  };
}

describe('classify with the real model', () => {
  let deps: ClassifyDeps;

  beforeAll(async () => {
    // The examples are embedded once when the classifier loads; spies below then see only request traffic.
    await loadTopicClassifier();
    // The definition's batching for classify, as the runtime gives it to the stage's loader.
    deps = await loadClassifyDeps({}, definition.stages.classify.batching);
  });

  afterEach(() => jest.restoreAllMocks());

  it('labels at least 90% of 30 held-out tickets correctly, and every topic at least 4 of 6', async () => {
    // Act
    const outputs = await Promise.all(heldOut.tickets.map((t) => handleClassify(nlpOutput(t.text), stageContext(deps))));

    // Assess
    const correct = heldOut.tickets.filter((t, i) => outputs[i]?.data.topic.label === t.label);
    expect(correct.length / heldOut.tickets.length).toBeGreaterThanOrEqual(0.9);
    for (const label of ['billing', 'bug', 'account', 'praise', 'other']) {
      expect(correct.filter((t) => t.label === label).length).toBeGreaterThanOrEqual(4);
    }
    for (const output of outputs) {
      expect(Object.values(output.data.topic.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
      expect(output.attributes?.topic).toBe(output.data.topic.label);
    }
  });

  it('labels the same tickets in capitals (as OCR often reads them) at least 90% right too', async () => {
    // Act
    const outputs = await Promise.all(heldOut.tickets.map((t) => handleClassify(nlpOutput(t.text.toUpperCase()), stageContext(deps))));

    // Assess
    const correct = heldOut.tickets.filter((t, i) => outputs[i]?.data.topic.label === t.label).length;
    expect(correct / heldOut.tickets.length).toBeGreaterThanOrEqual(0.9);
  });

  it('shares model calls: 16 concurrent requests make at most 2 embedding calls', async () => {
    // Prepare
    const encoder = await loadSentenceEncoder();
    const embed = jest.spyOn(encoder, 'embed');
    const texts = heldOut.tickets.slice(0, 16).map((t) => t.text);

    // Act
    const outputs = await Promise.all(texts.map((text) => handleClassify(nlpOutput(text), stageContext(deps))));

    // Assess
    expect(outputs).toHaveLength(16);
    expect(embed.mock.calls.length).toBeLessThanOrEqual(2);
    expect(embed.mock.calls.flatMap(([batch]) => batch)).toEqual(expect.arrayContaining(texts));
  });

  it('gives each request its own embedding, the same as embedding it alone', async () => {
    // Prepare
    const encoder = await loadSentenceEncoder();
    const [alone] = await encoder.embed(['My invoice shows the wrong amount.']);

    // Act
    const [batched] = await Promise.all(
      ['My invoice shows the wrong amount.', 'The app crashes on startup.', 'Thanks, great job!'].map((text) => deps.embed(text)),
    );

    // Assess
    let cosine = 0;
    for (let i = 0; i < 512; i += 1) cosine += (alone as Float32Array)[i]! * (batched as Float32Array)[i]!;
    expect(cosine).toBeGreaterThan(0.9999);
  });
});
