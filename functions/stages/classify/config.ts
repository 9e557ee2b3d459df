import { z } from 'zod';
import { BATCHING_DEFAULTS } from '../../../toolkit/core/pipeline/defaults';
import type { BatchingOptions } from '../../../toolkit/core/runtime/micro-batcher';
import { describeZodError } from '../../../toolkit/core/runtime/push-body';

/** Configuration of the classify stage. */
export interface ClassifyConfig {
  readonly batching: BatchingOptions;
  /** Put the 512-d embedding in every result (a request can ask for it alone with `metadata.includeEmbedding`). */
  readonly includeEmbedding: boolean;
}

const classifyEnvSchema = z.object({
  CLASSIFY_MAX_BATCH_SIZE: z.coerce.number({ error: 'CLASSIFY_MAX_BATCH_SIZE must be a whole number ≥ 1' }).int().min(1).default(BATCHING_DEFAULTS.classify.maxBatchSize),
  CLASSIFY_MAX_WAIT_MS: z.coerce.number({ error: 'CLASSIFY_MAX_WAIT_MS must be a number of milliseconds' }).min(0).default(BATCHING_DEFAULTS.classify.maxWaitMillis),
  CLASSIFY_INCLUDE_EMBEDDING: z.enum(['true', 'false'], { error: 'CLASSIFY_INCLUDE_EMBEDDING must be "true" or "false"' }).default('false'),
});

/** Parses the classify stage's environment once, failing fast with the variable's name. */
export function parseClassifyConfig(env: NodeJS.ProcessEnv): ClassifyConfig {
  const parsed = classifyEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid classify configuration: ${describeZodError(parsed.error)}`);
  return {
    batching: { maxBatchSize: parsed.data.CLASSIFY_MAX_BATCH_SIZE, maxWaitMillis: parsed.data.CLASSIFY_MAX_WAIT_MS },
    includeEmbedding: parsed.data.CLASSIFY_INCLUDE_EMBEDDING === 'true',
  };
}
