import { z } from 'zod';
import { IDEMPOTENCY_STORES } from '../core/idempotency/config';
import { DELIVERY_MODES } from '../core/pipeline/topology';
import { DASHBOARD_DEFAULTS } from './dashboard/defaults';
import { describeZodError } from '../core/runtime/push-body';

/** Project id used locally when GOOGLE_CLOUD_PROJECT is not set; the emulator accepts any. */
export const DEFAULT_LOCAL_PROJECT = 'local-ai-pipeline';

/** Options of the local runner, read from the environment (and `.env`) once, at the edge. */
export const localConfigSchema = z.object({
  GOOGLE_CLOUD_PROJECT: z.string().min(1).default(DEFAULT_LOCAL_PROJECT),
  PIPELINE_PREFIX: z.string().default(''),
  PUBSUB_EMULATOR_HOST: z.string().optional(),
  PUBSUB_EMULATOR_BIN: z.string().optional(),
  PUBSUB_EMULATOR_JAVA_OPTS: z.string().default('-Xmx512m'),
  STAGE_BASE_PORT: z.coerce
    .number({ error: 'STAGE_BASE_PORT must be a port number' })
    .int()
    .min(0)
    .max(65000, 'STAGE_BASE_PORT must leave room for one port per stage below 65535')
    .default(0),
  LOG_FORMAT: z.enum(['pretty', 'json'], { error: 'LOG_FORMAT must be "pretty" or "json"' }).default('pretty'),
  /** How stages are fed: push (functions-framework servers) or pull (pull workers); `npm start -- --mode` wins. */
  PIPELINE_DELIVERY: z.enum(DELIVERY_MODES, { error: `PIPELINE_DELIVERY must be one of ${DELIVERY_MODES.join(', ')}` }).default('push'),
  /** Where stages keep deduplication records; `firestore` starts the Firestore emulator beside Pub/Sub's. */
  IDEMPOTENCY_STORE: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.enum(IDEMPOTENCY_STORES, { error: `IDEMPOTENCY_STORE must be one of ${IDEMPOTENCY_STORES.join(', ')}` }).default('firestore'),
  ),
  FIRESTORE_EMULATOR_HOST: z.string().optional(),
  FIRESTORE_EMULATOR_BIN: z.string().optional(),
  FIRESTORE_EMULATOR_JAVA_OPTS: z.string().default('-Xmx512m'),
  /** The live dashboard's port on 127.0.0.1 (toolkit/local/dashboard): a port, 0 for a free one, `off` for none. */
  DASHBOARD_PORT: z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)], { error: 'DASHBOARD_PORT must be a port number, 0 (any free port) or off' }).default(DASHBOARD_DEFAULTS.port),
});

/** The parsed local configuration. */
export type LocalConfig = z.infer<typeof localConfigSchema>;

/** Parses the local runner's environment, failing fast with a message naming the variable. */
export function parseLocalConfig(env: NodeJS.ProcessEnv): LocalConfig {
  const parsed = localConfigSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
