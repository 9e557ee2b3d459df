/**
 * Entry point of the deployed functions (and of the local functions-framework servers): registers every stage's
 * HTTP function under its entry point. Cloud Functions selects one with `entryPoint`, functions-framework with
 * `--target`.
 */
import * as functions from '@google-cloud/functions-framework';
import { pipeline } from './definition';
import { defineStage } from '../toolkit/core/runtime/define-stage';
import type { AnyStageDefinition } from '../toolkit/core/runtime/stage-definition';
import { STAGES } from './stages';

for (const [key, definition] of Object.entries(STAGES) as [keyof typeof STAGES, AnyStageDefinition][]) {
  const spec = pipeline.stages[key];
  const handler = defineStage(definition);
  functions.http(spec.entryPoint, handler);
  // Start loading the model during the cold start of the function this instance serves, not on its first message.
  if (process.env['FUNCTION_TARGET'] === spec.entryPoint) void handler.warmUp().catch(() => undefined);
}
