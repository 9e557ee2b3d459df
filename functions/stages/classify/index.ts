import { createMicroBatcher, defineStage, type BatchingOptions } from '../../../toolkit/core';
import { definition } from '../../definition';
import { loadSentenceEncoder } from '../../models/sentence-encoder';
import { loadTopicClassifier } from '../../models/topic-classifier';
import { nlpOutputSchema } from '../nlp/schema';
import { parseClassifyConfig } from './config';
import { handleClassify, type ClassifyDeps } from './handler';
import { classifyOutputSchema } from './schema';

/** Loads the encoder and classifier once per instance; concurrent requests share batched embedding calls. */
export async function loadClassifyDeps(env: NodeJS.ProcessEnv, batching?: BatchingOptions): Promise<ClassifyDeps> {
  const config = parseClassifyConfig(env, batching);
  const [encoder, classifier] = await Promise.all([loadSentenceEncoder(), loadTopicClassifier()]);
  const batcher = createMicroBatcher<string, Float32Array>(
    async (texts) => (await encoder.embed(texts)).map((value) => ({ ok: true as const, value })),
    config.batching,
  );
  return { embed: (text) => batcher.submit(text), classifier, config, batchStats: () => batcher.stats() };
}

/** The `classify` stage: support-ticket topic with Universal Sentence Encoder lite embeddings and few-shot kNN. */
export default defineStage(definition, 'classify', {
  input: nlpOutputSchema,
  expects: 'JSON output of the nlp stage {"text": string, "language": {...}, "nlp": {...}}',
  output: classifyOutputSchema,
  loadDependencies: ({ env, stage }) => loadClassifyDeps(env, stage.batching),
  handle: handleClassify,
});
