import { UnsupportedContentError } from '../../../toolkit/core/runtime/errors';
import { parseClassifyConfig, type ClassifyConfig } from '../../../functions/stages/classify/config';
import { handleClassify, type ClassifyDeps } from '../../../functions/stages/classify/handler';
import { classifyOutputSchema } from '../../../functions/stages/classify/schema';
import type { NlpOutput } from '../../../functions/stages/nlp/schema';
import type { TopicClassifier, TopicPrediction } from '../../../functions/models/topic-classifier';
import { stageContext } from './context';

const nlpOutput: NlpOutput = {
  text: 'The app crashes when I save.',
  id: 't-1',
  language: { code: 'en', confidence: 0.99, reliable: true, proportion: 1 },
  nlp: { sentiment: { score: -0.2, label: 'negative' }, entities: {}, sentenceCount: 1, tokenCount: 8 },
};

const prediction: TopicPrediction = { label: 'bug', score: 0.8, scores: { bug: 0.8, billing: 0.2 }, nearestSimilarity: 0.71 };

/** Fake deps: a constant embedding and a classifier that records what it was asked. */
function deps(config: Partial<ClassifyConfig> = {}): ClassifyDeps & { embedded: string[] } {
  const embedded: string[] = [];
  const embedding = new Float32Array(512).fill(1 / Math.sqrt(512));
  const classifier: TopicClassifier = { labels: ['bug', 'billing'], classify: () => prediction };
  return {
    embedded,
    embed: async (text) => {
      embedded.push(text);
      return embedding;
    },
    classifier,
    config: { batching: { maxBatchSize: 4, maxWaitMillis: 1 }, includeEmbedding: false, ...config },
  };
}

describe('handleClassify', () => {
  it('adds the topic to the result and sets topic and topicScore', async () => {
    // Prepare
    const d = deps();

    // Act
    const output = await handleClassify(nlpOutput, stageContext(d));

    // Assess
    expect(d.embedded).toEqual([nlpOutput.text]);
    expect(output.data).toEqual({ ...nlpOutput, topic: prediction });
    expect(output.attributes).toEqual({ ['topic']: 'bug', ['topicScore']: '0.800' });
    expect(classifyOutputSchema.safeParse(output.data).success).toBe(true);
  });

  it('includes the embedding when the stage is configured to', async () => {
    // Act
    const output = await handleClassify(nlpOutput, stageContext(deps({ includeEmbedding: true })));

    // Assess
    expect(output.data.embedding).toHaveLength(512);
    expect(output.data.embedding?.[0]).toBeCloseTo(1 / Math.sqrt(512), 5);
    expect(classifyOutputSchema.safeParse(output.data).success).toBe(true);
  });

  it('includes the embedding when the request asks with metadata.includeEmbedding', async () => {
    // Act
    const asked = await handleClassify({ ...nlpOutput, metadata: { includeEmbedding: true } }, stageContext(deps()));
    const notAsked = await handleClassify({ ...nlpOutput, metadata: { includeEmbedding: 'yes' } }, stageContext(deps()));

    // Assess
    expect(asked.data.embedding).toHaveLength(512);
    expect(notAsked.data).not.toHaveProperty('embedding');
  });

  it('refuses text that is not English', async () => {
    // Prepare
    const french = { ...nlpOutput, language: { ...nlpOutput.language, code: 'fr' } };

    // Act / Assess
    await expect(handleClassify(french, stageContext(deps()))).rejects.toThrow(UnsupportedContentError);
    await expect(handleClassify(french, stageContext(deps()))).rejects.toThrow('classify handles English only; the text was identified as "fr"');
  });
});

describe('parseClassifyConfig', () => {
  it("takes the definition's batching, without embeddings", () => {
    expect(parseClassifyConfig({}, { maxBatchSize: 16, maxWaitMillis: 5 })).toEqual({ batching: { maxBatchSize: 16, maxWaitMillis: 5 }, includeEmbedding: false });
    expect(parseClassifyConfig({})).toEqual({ batching: { maxBatchSize: 1, maxWaitMillis: 0 }, includeEmbedding: false });
  });

  it('reads its variables', () => {
    expect(parseClassifyConfig({ CLASSIFY_MAX_BATCH_SIZE: '32', CLASSIFY_MAX_WAIT_MS: '0', CLASSIFY_INCLUDE_EMBEDDING: 'true' })).toEqual({
      batching: { maxBatchSize: 32, maxWaitMillis: 0 },
      includeEmbedding: true,
    });
  });

  it.each([
    [{ CLASSIFY_MAX_BATCH_SIZE: '0' }, /CLASSIFY_MAX_BATCH_SIZE/],
    [{ CLASSIFY_MAX_WAIT_MS: 'soon' }, /CLASSIFY_MAX_WAIT_MS must be a number of milliseconds/],
    [{ CLASSIFY_INCLUDE_EMBEDDING: 'yes' }, /CLASSIFY_INCLUDE_EMBEDDING must be "true" or "false"/],
  ])('fails fast on %j', (env, message) => {
    expect(() => parseClassifyConfig(env)).toThrow(message);
  });
});
