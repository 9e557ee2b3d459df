import type { TopicClassifier } from '../../models/topic-classifier';
import type { BatcherStats } from '../../../toolkit/core';
import { UnsupportedContentError } from '../../../toolkit/core';
import type { StageAttributeOf, StageContext, StageOutput } from '../../../toolkit/core';
import type { definition } from '../../definition';
import type { NlpOutput } from '../nlp/schema';
import type { ClassifyConfig } from './config';
import { INCLUDE_EMBEDDING_OPTION, type ClassifyOutput } from './schema';

/** What the classify stage needs. */
export interface ClassifyDeps {
  /** Embeds one text; concurrent calls share one model call (micro-batched). */
  readonly embed: (text: string) => Promise<Float32Array>;
  readonly classifier: TopicClassifier;
  readonly config: ClassifyConfig;
  /** How the embedding calls were batched so far (for logs and tests). */
  readonly batchStats?: () => BatcherStats;
}

/** English only: the support-ticket topic of the text; sets `topic` and `topicScore`. */
export async function handleClassify(input: NlpOutput, context: StageContext<ClassifyDeps>): Promise<StageOutput<ClassifyOutput, StageAttributeOf<typeof definition, 'classify'>>> {
  // The examples are English; the subscription filter keeps other languages away in production.
  if (input.language.code !== 'en') {
    throw new UnsupportedContentError(`classify handles English only; the text was identified as "${input.language.code}"`);
  }
  const embedding = await context.deps.embed(input.text);
  const topic = context.deps.classifier.classify(embedding);
  const include = context.deps.config.includeEmbedding || input.metadata?.[INCLUDE_EMBEDDING_OPTION] === true;
  return {
    data: {
      ...input,
      topic,
      // Six decimals keep the vector's direction (cosines agree to ~1e-6) at about half the JSON size.
      ...(include ? { embedding: Array.from(embedding, (v) => Math.round(v * 1e6) / 1e6) } : {}),
    },
    attributes: { topic: topic.label, topicScore: topic.score.toFixed(3) },
  };
}
