import { PubSub } from '@google-cloud/pubsub';
import type { Request, Response } from '@google-cloud/functions-framework';
import { createPayloadStore } from '../claim-check';
import { createIdempotencyStore, leaseMillisFromTopology, parseIdempotencyConfig } from '../idempotency';
import { compileTopology } from '../pipeline/compile';
import { pipeline } from '../../../functions/definition';
import { parseRuntimeEnv } from './environment';
import { parseFaults, withFaults } from './faults';
import { lazy } from './lazy';
import { createLogger } from './logger';
import { createPubSubPublisher } from './publisher';
import { installTracingFromEnv } from './tracing-setup';
import type { StageDefinition } from './stage-definition';
import { createStageHandler, type StageHandler, type StageRuntime } from './stage-handler';

/**
 * Builds the runtime of a deployed or locally served stage from the process environment. Deduplication records
 * go to Firestore on Cloud Functions and wherever a Firestore emulator is configured (`npm start`, tests), to
 * memory otherwise; `IDEMPOTENCY_STORE` overrides (functions/idempotency/config.ts).
 */
export function runtimeFromEnv(env: NodeJS.ProcessEnv): StageRuntime {
  const parsed = parseRuntimeEnv(env);
  const topology = compileTopology(pipeline, { project: parsed.GOOGLE_CLOUD_PROJECT, prefix: parsed.PIPELINE_PREFIX });
  const idempotency = createIdempotencyStore(parseIdempotencyConfig(env), {
    project: parsed.GOOGLE_CLOUD_PROJECT,
    leaseMillis: leaseMillisFromTopology(topology),
  });
  return {
    topology,
    publisher: createPubSubPublisher(new PubSub({ projectId: parsed.GOOGLE_CLOUD_PROJECT })),
    logger: createLogger(),
    now: () => new Date(),
    idempotency,
    // Claim check from CLAIM_CHECK_BUCKET / CLAIM_CHECK_DIR (functions/claim-check/config.ts); none when unset.
    payloads: createPayloadStore(env),
  };
}

/**
 * The HTTP function of a stage for functions-framework, configured from the environment on first use (so that
 * importing every stage's module costs nothing and a misconfigured deployment fails with a clear message).
 */
export function defineStage<In, Out, Deps>(definition: StageDefinition<In, Out, Deps>): StageHandler {
  const handler = lazy(async () => {
    // Spans go where TRACING_EXPORTER says (tracing-setup.ts); installed before the first message is traced.
    await installTracingFromEnv(process.env);
    // PIPELINE_FAULTS injects failures for resilience tests; unset in every real deployment.
    return createStageHandler(withFaults(definition, parseFaults(process.env['PIPELINE_FAULTS'])), runtimeFromEnv(process.env));
  });
  const http = async (req: Request, res: Response): Promise<void> => (await handler())(req, res);
  return Object.assign(http, { warmUp: async () => (await handler()).warmUp() });
}
