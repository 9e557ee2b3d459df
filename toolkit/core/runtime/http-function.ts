import { PubSub } from '@google-cloud/pubsub';
import type { Request, Response } from '@google-cloud/functions-framework';
import { createPayloadStore } from '../claim-check';
import { createIdempotencyStore, leaseMillisFromTopology, parseIdempotencyConfig } from '../idempotency';
import { compileTopology } from '../pipeline/compile';
import type { PipelineDefinition } from '../pipeline/types';
import { parseRuntimeEnv } from './environment';
import { parseFaults, withFaults, withRuntimeFaults } from './faults';
import { lazy } from './lazy';
import { createLogger } from './logger';
import { createPubSubPublisher } from './publisher';
import type { StageDefinition } from './stage-definition';
import { createStageHandler, type StageHandler, type StageRuntime } from './stage-handler';
import { installTracingFromEnv } from './tracing-setup';

/**
 * Builds the runtime of a deployed or locally served stage of `definition` from the process environment.
 * Deduplication records go to Firestore on Cloud Functions and wherever a Firestore emulator is configured
 * (`npm start`, tests), to memory otherwise; `IDEMPOTENCY_STORE` overrides (toolkit/core/idempotency/config.ts).
 */
export function runtimeFromEnv(definition: PipelineDefinition, env: NodeJS.ProcessEnv): StageRuntime {
  const parsed = parseRuntimeEnv(env);
  const topology = compileTopology(definition, { project: parsed.GOOGLE_CLOUD_PROJECT, prefix: parsed.PIPELINE_PREFIX });
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
    // Claim check from CLAIM_CHECK_BUCKET / CLAIM_CHECK_DIR (toolkit/core/claim-check/config.ts); none when unset.
    payloads: createPayloadStore(env),
    env,
  };
}

/**
 * The HTTP function of a stage for functions-framework, configured from the environment on first use (so that
 * registering every stage costs nothing and a misconfigured deployment fails with a clear message). `load`
 * gives the stage, loading its module only when the function is first called or warmed up.
 */
export function httpFunction<In, Out, Deps, Attr extends string>(
  definition: PipelineDefinition,
  load: () => StageDefinition<In, Out, Deps, Attr>,
  env: NodeJS.ProcessEnv = process.env,
): StageHandler {
  // PIPELINE_FAULTS injects failures for resilience tests; unset in every real deployment.
  const handler = lazy(async () => {
    // Spans go where TRACING_EXPORTER says (tracing-setup.ts); installed before the first message is traced.
    await installTracingFromEnv(env);
    const faults = parseFaults(env['PIPELINE_FAULTS']);
    const stage = load();
    const runtime = runtimeFromEnv(definition, env);
    return createStageHandler(withFaults(stage, faults), withRuntimeFaults(runtime, stage.stage, faults));
  });
  const http = async (req: Request, res: Response): Promise<void> => (await handler())(req, res);
  return Object.assign(http, { warmUp: async () => (await handler()).warmUp() });
}
