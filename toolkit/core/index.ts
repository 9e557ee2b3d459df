/**
 * The toolkit's public entry for a pipeline's own code (its definition, stages and deployed entry): everything a
 * stage author needs, and nothing of the laptop-only parts (local runner, command line, build, CDKTF constructs),
 * which have entries of their own. The example pipeline in functions/ imports the toolkit only from here, as a
 * pipeline in another repository would.
 */
export { ATTR } from './pipeline/attributes';
export { DEFAULTS, PUBSUB_LIMITS } from './pipeline/defaults';
export { DefinitionError } from './pipeline/errors';
export type { CompiledStage, CompiledTopology } from './pipeline/topology';
export {
  definePipeline,
  type BatchingSettings,
  type PipelineDefinition,
  type PullSubscriptionSpec,
  type RouteSpec,
  type PipelineAttributeOf,
  type StageAttributeOf,
  type StageKeyOf,
  type StageSpec,
  type TopicSpec,
} from './pipeline/types';
export { createPipeline, defineStage, loadPipeline, type Pipeline, type PipelineOptions, type StageModule } from './pipeline-app';
export {
  EmptyDataError,
  InvalidInputError,
  PermanentError,
  PipelineError,
  RetryableError,
  UnsupportedContentError,
  type ErrorCode,
} from './runtime/errors';
export { lazy } from './runtime/lazy';
export type { Logger } from './runtime/logger';
export { createMicroBatcher, type BatcherStats, type BatchFunction, type BatchingOptions, type BatchItemResult } from './runtime/micro-batcher';
export { describeZodError } from './runtime/push-body';
export type { ReceivedMessage } from './runtime/received-message';
export type { StageContext, StageDefinition, StageOutput, StageSetup } from './runtime/stage-definition';
