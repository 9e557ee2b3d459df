import type { PubSub } from '@google-cloud/pubsub';
import { IDEMPOTENCY_DEFAULTS } from '../idempotency/defaults';
import type { AnyStageDefinition } from '../runtime/stage-definition';
import { createStageProcessor, type StageRuntime } from '../runtime/stage-processor';
import type { WorkerConfig } from './config';
import { openPullSource } from './pull-source';
import { startPullWorker, type PullWorker } from './worker';

/** Options of `startStageWorker`. */
export interface StageWorkerOptions {
  readonly definition: AnyStageDefinition;
  /** The runtime, whose topology feeds this stage by pull (`compileTopology(..., {delivery: ...})`). */
  readonly runtime: StageRuntime;
  /** The client to stream the stage's subscription with. */
  readonly subscriber: PubSub;
  readonly config: WorkerConfig;
}

/** A stage running as a pull worker. */
export interface StageWorker extends PullWorker {
  readonly stage: string;
  /** Name of the pull subscription it streams. */
  readonly subscriptionName: string;
}

/**
 * Runs one stage as a streaming-pull worker: the same `createStageProcessor` the push handler uses, fed by the
 * stage's pull subscription from the compiled topology. Loads the model and opens the publisher's channel before
 * the first message is pulled.
 */
export async function startStageWorker(options: StageWorkerOptions): Promise<StageWorker> {
  const { definition, runtime, config } = options;
  const processor = createStageProcessor(definition, runtime);
  const { stage } = processor;
  const subscription = runtime.topology.subscriptions[stage.subscription];
  if (stage.delivery !== 'pull' || !subscription || subscription.kind !== 'pull') {
    throw new Error(`stage "${stage.key}" is fed by ${stage.delivery} in this topology; a pull worker needs it compiled with delivery "pull" (compileTopology(definition, {delivery: {${stage.key}: 'pull'}}))`);
  }
  await processor.warmUp();
  // A message is held for at most one processing (the timeout), one wait for a dead worker's lease (timeout +
  // margin) and its reprocessing (the timeout): the subscriber keeps extending its deadline that long.
  const leaseMillis = stage.timeoutSeconds * 1000 + IDEMPOTENCY_DEFAULTS.leaseMarginMillis;
  const source = openPullSource(options.subscriber, subscription.name, {
    config,
    ackDeadline: { maxAckDeadlineSeconds: stage.timeoutSeconds, maxExtensionSeconds: Math.ceil((2 * stage.timeoutSeconds * 1000 + leaseMillis) / 1000) },
  });
  const worker = startPullWorker(processor, source, {
    maxHoldMillis: leaseMillis,
    drainTimeoutMillis: (config.drainTimeoutSeconds ?? stage.timeoutSeconds) * 1000,
    subscriptionPath: subscription.path,
    topicPath: runtime.topology.topics[stage.consumes]?.path ?? stage.consumes,
    project: runtime.topology.project,
  });
  return Object.assign(worker, { stage: stage.key, subscriptionName: subscription.name });
}
