import { PubsubSubscriptionIamMember } from '@cdktf/provider-google/lib/pubsub-subscription-iam-member';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { Construct } from 'constructs';
import { ROLES } from '../roles';

/** Configuration of `DeadLetterGrants`. */
export interface DeadLetterGrantsConfig {
  /** The Pub/Sub service agent (`PubsubServiceAgent.member`). */
  readonly serviceAgentMember: string;
  readonly deadLetterTopicId: string;
  /** Ids of every subscription with a dead-letter policy, by subscription key. */
  readonly subscriptionIds: Readonly<Record<string, string>>;
}

/**
 * What the Pub/Sub service agent needs for dead-lettering to work: publisher on the dead-letter topic and
 * subscriber on each subscription that dead-letters (to acknowledge the original). Without them Pub/Sub keeps
 * redelivering forever and nothing reaches the dead-letter topic.
 */
export class DeadLetterGrants extends Construct {
  readonly publisher: PubsubTopicIamMember;
  /** By subscription key. */
  readonly subscribers: Readonly<Record<string, PubsubSubscriptionIamMember>>;

  constructor(scope: Construct, id: string, config: DeadLetterGrantsConfig) {
    super(scope, id);
    this.publisher = new PubsubTopicIamMember(this, 'publisher', {
      topic: config.deadLetterTopicId,
      role: ROLES.publisher,
      member: config.serviceAgentMember,
    });
    const subscribers: Record<string, PubsubSubscriptionIamMember> = {};
    for (const [key, subscriptionId] of Object.entries(config.subscriptionIds)) {
      subscribers[key] = new PubsubSubscriptionIamMember(this, `subscriber-${key}`, {
        subscription: subscriptionId,
        role: ROLES.subscriber,
        member: config.serviceAgentMember,
      });
    }
    this.subscribers = subscribers;
  }
}
