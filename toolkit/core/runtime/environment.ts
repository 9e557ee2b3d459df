import { z } from 'zod';
import { describeZodError } from './push-body';

/**
 * The environment a deployed or local stage reads, once, at the edge. The CDKTF stack sets these on every
 * function; the local runner sets them on every functions-framework server.
 */
export const runtimeEnvSchema = z.object({
  GOOGLE_CLOUD_PROJECT: z
    .string({ error: 'GOOGLE_CLOUD_PROJECT is not set; set it to the Google Cloud project id (any id works against the emulator)' })
    .min(1, 'GOOGLE_CLOUD_PROJECT is empty; set it to the Google Cloud project id'),
  PIPELINE_PREFIX: z.string().default(''),
  /** Set when running against the emulator; the client library reads it itself. */
  PUBSUB_EMULATOR_HOST: z.string().optional(),
});

/** The parsed runtime environment. */
export type RuntimeEnv = z.infer<typeof runtimeEnvSchema>;

/** Parses the runtime environment, failing fast with a message that says how to fix it. */
export function parseRuntimeEnv(env: NodeJS.ProcessEnv): RuntimeEnv {
  const parsed = runtimeEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid stage environment: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
