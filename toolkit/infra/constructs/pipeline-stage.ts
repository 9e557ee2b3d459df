import { Construct } from 'constructs';
import type { CompiledStage, CompiledTopology } from '../../core/pipeline/topology';
import { PipelineSubscription } from './pipeline-subscription';
import { PushInvoker } from './push-invoker';
import { StageFunction, type StageIdempotencySettings } from './stage-function';
import { StageServiceAccount } from './stage-service-account';

/** Configuration of a `PipelineStage`. */
export interface PipelineStageConfig {
  readonly topology: CompiledTopology;
  /** Key of the stage in `topology.stages`. */
  readonly stageKey: string;
  readonly region: string;
  /** Topic ids by topic key, for the subscription and the publisher grants. */
  readonly topicIds: Readonly<Record<string, string>>;
  readonly sourceBucket: string;
  readonly sourceObject: string;
  /** The Pub/Sub service agent (`PubsubServiceAgent.member`). */
  readonly pubsubServiceAgentMember: string;
  /** Where the stage keeps its deduplication records. */
  readonly idempotency?: StageIdempotencySettings;
  /** Bucket for claim-check payloads (`ClaimCheckBucket.name`). */
  readonly claimCheckBucket?: string;
}

/**
 * One stage, deployed: its identity, its function, its push identity and the push subscription that feeds it.
 *
 * ```
 * topic ─▶ push subscription (filter, retries, dead-letter) ─OIDC as push identity─▶ function (as stage identity)
 * ```
 */
export class PipelineStage extends Construct {
  readonly stage: CompiledStage;
  readonly serviceAccount: StageServiceAccount;
  readonly function: StageFunction;
  readonly invoker: PushInvoker;
  readonly subscription: PipelineSubscription;

  constructor(scope: Construct, id: string, config: PipelineStageConfig) {
    super(scope, id);
    const { topology } = config;
    const stage = topology.stages[config.stageKey];
    if (!stage) throw new Error(`unknown stage "${config.stageKey}"`);
    const subscription = topology.subscriptions[stage.subscription];
    if (!subscription) throw new Error(`stage "${stage.key}": unknown subscription "${stage.subscription}"`);
    const topicId = (key: string): string => {
      const found = config.topicIds[key];
      if (!found) throw new Error(`stage "${stage.key}": topic "${key}" has no id`);
      return found;
    };
    this.stage = stage;

    this.serviceAccount = new StageServiceAccount(this, 'identity', { stage, topicIds: config.topicIds });
    this.function = new StageFunction(this, 'function', {
      stage,
      project: topology.project,
      prefix: topology.prefix,
      region: config.region,
      publishesTo: Object.fromEntries(stage.publishesTo.map((key) => [key, topology.topics[key]?.name ?? key])),
      sourceBucket: config.sourceBucket,
      sourceObject: config.sourceObject,
      serviceAccountEmail: this.serviceAccount.email,
      dependsOn: Object.values(this.serviceAccount.publisherGrants),
      ...(config.idempotency ? { idempotency: config.idempotency } : {}),
      ...(config.claimCheckBucket ? { claimCheckBucket: config.claimCheckBucket } : {}),
    });
    this.invoker = new PushInvoker(this, 'push-identity', {
      stage,
      project: topology.project,
      region: config.region,
      serviceName: this.function.serviceName,
      pubsubServiceAgentMember: config.pubsubServiceAgentMember,
    });
    this.subscription = new PipelineSubscription(this, 'subscription', {
      subscription,
      topicId: topicId(subscription.topic),
      deadLetterTopicId: subscription.deadLetterPolicy ? topicId(subscription.deadLetterPolicy.deadLetterTopic) : undefined,
      push: {
        endpoint: `${this.function.url}${stage.pushPath}`,
        audience: this.function.url,
        serviceAccountEmail: this.invoker.email,
      },
      dependsOn: [this.invoker.invokerGrant],
    });
  }
}
