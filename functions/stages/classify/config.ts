import { z } from 'zod';
import type { BatchingOptions } from '../../../toolkit/core';
import { describeZodError } from '../../../toolkit/core';

/** Configuration of the classify stage. */
export interface ClassifyConfig {
  readonly batching: BatchingOptions;
  /** Put the 512-d embedding in every result (a request can ask for it alone with `metadata.includeEmbedding`). */
  readonly includeEmbedding: boolean;
}

/** A stage without `batching` in the definition runs its model once per request. */
const NO_BATCHING: BatchingOptions = { maxBatchSize: 1, maxWaitMillis: 0 };

const classifyEnvSchema = z.object({
  CLASSIFY_MAX_BATCH_SIZE: z.coerce.number({ error: 'CLASSIFY_MAX_BATCH_SIZE must be a whole number ≥ 1' }).int().min(1).optional(),
  CLASSIFY_MAX_WAIT_MS: z.coerce.number({ error: 'CLASSIFY_MAX_WAIT_MS must be a number of milliseconds' }).min(0).optional(),
  CLASSIFY_INCLUDE_EMBEDDING: z.enum(['true', 'false'], { error: 'CLASSIFY_INCLUDE_EMBEDDING must be "true" or "false"' }).default('false'),
});

/** Parses the classify stage's environment once, failing fast with the variable's name. */
export function parseClassifyConfig(env: NodeJS.ProcessEnv, batching: BatchingOptions = NO_BATCHING): ClassifyConfig {
  const parsed = classifyEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid classify configuration: ${describeZodError(parsed.error)}`);
  return {
    // The definition's `batching` for the stage; the environment may override it per deployment.
    batching: { maxBatchSize: parsed.data.CLASSIFY_MAX_BATCH_SIZE ?? batching.maxBatchSize, maxWaitMillis: parsed.data.CLASSIFY_MAX_WAIT_MS ?? batching.maxWaitMillis },
    includeEmbedding: parsed.data.CLASSIFY_INCLUDE_EMBEDDING === 'true',
  };
}
