import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CompiledSubscription } from '../../core/pipeline/topology';

/** Where and as whom a push subscription delivers. */
export interface PushTarget {
  /** The function's URL plus the stage's push path (`/projects/<project>/topics/<topic>`). */
  readonly endpoint: string;
  /** OIDC audience: the function's Cloud Run URL, which Cloud Run checks the token against. */
  readonly audience: string;
  /** The push identity, which may only invoke this one function. */
  readonly serviceAccountEmail: string;
}

/** Configuration of a `PipelineSubscription`. */
export interface PipelineSubscriptionConfig {
  /** The subscription as the topology compiled it. */
  readonly subscription: CompiledSubscription;
  /** Id (`projects/…/topics/…`) of the topic it is attached to. */
  readonly topicId: string;
  /** Id of the dead-letter topic; required when the subscription has a dead-letter policy. */
  readonly deadLetterTopicId?: string;
  /** Required for push subscriptions, refused for pull ones. */
  readonly push?: PushTarget;
  /** Must exist first, e.g. the push identity's invoker grant, so the first pushes are not refused. */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One Pub/Sub subscription of the compiled topology: a stage's push subscription (OIDC, dead-letter policy) or a
 * pull subscription for results and dead letters. Name, filter, ordering, ack deadline, retries and retention are
 * copied from the topology unchanged.
 */
export class PipelineSubscription extends Construct {
  readonly resource: PubsubSubscription;
  readonly id: string;
  readonly name: string;
  /** The compiled subscription this was made from. */
  readonly subscription: CompiledSubscription;

  constructor(scope: Construct, id: string, config: PipelineSubscriptionConfig) {
    super(scope, id);
    const { subscription, push } = config;
    if ((subscription.kind === 'push') !== (push !== undefined)) {
      throw new Error(`subscription "${subscription.key}" is ${subscription.kind}: ${push ? 'a push target was given' : 'it needs a push target'}`);
    }
    const deadLetter = subscription.deadLetterPolicy;
    if (deadLetter && !config.deadLetterTopicId) {
      throw new Error(`subscription "${subscription.key}" has a dead-letter policy but no dead-letter topic id was given`);
    }
    this.subscription = subscription;
    this.resource = new PubsubSubscription(this, 'subscription', {
      name: subscription.name,
      topic: config.topicId,
      labels: { ...subscription.labels },
      ...(subscription.filter ? { filter: subscription.filter } : {}),
      // For push this is also the request timeout; the topology made it at least the stage's timeout.
      ackDeadlineSeconds: subscription.ackDeadlineSeconds,
      enableMessageOrdering: subscription.enableMessageOrdering,
      messageRetentionDuration: subscription.messageRetentionDuration,
      retainAckedMessages: subscription.retainAckedMessages,
      retryPolicy: { ...subscription.retryPolicy },
      // Subscriptions without activity expire after 31 days by default; a quiet pipeline must not lose its wiring.
      expirationPolicy: { ttl: '' },
      ...(deadLetter && config.deadLetterTopicId
        ? { deadLetterPolicy: { deadLetterTopic: config.deadLetterTopicId, maxDeliveryAttempts: deadLetter.maxDeliveryAttempts } }
        : {}),
      ...(push
        ? {
            pushConfig: {
              pushEndpoint: push.endpoint,
              oidcToken: { serviceAccountEmail: push.serviceAccountEmail, audience: push.audience },
            },
          }
        : {}),
      ...(config.dependsOn?.length ? { dependsOn: config.dependsOn } : {}),
    });
    this.id = this.resource.id;
    this.name = this.resource.name;
  }
}
