import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Construct } from 'constructs';
import type { CompiledStage } from '../../core/pipeline/topology';
import { ROLES } from '../roles';
import { serviceAccountId } from '../names';

/** Configuration of a `StageServiceAccount`. */
export interface StageServiceAccountConfig {
  readonly stage: CompiledStage;
  /** Topic ids by topic key; must hold every topic in `stage.publishesTo`. */
  readonly topicIds: Readonly<Record<string, string>>;
}

/**
 * The identity a stage's function runs as. It may publish to the stage's output topics and the dead-letter topic,
 * each granted on the topic itself, and nothing else: no project-wide role.
 */
export class StageServiceAccount extends Construct {
  readonly account: ServiceAccount;
  readonly email: string;
  /** `serviceAccount:<email>`. */
  readonly member: string;
  /** One publisher grant per topic the stage publishes to, by topic key. */
  readonly publisherGrants: Readonly<Record<string, PubsubTopicIamMember>>;

  constructor(scope: Construct, id: string, config: StageServiceAccountConfig) {
    super(scope, id);
    const { stage } = config;
    this.account = new ServiceAccount(this, 'account', {
      accountId: serviceAccountId(stage.functionName, 'fn'),
      displayName: `${stage.functionName} function`,
      description: `Runs the ${stage.key} stage; may publish only to ${stage.publishesTo.join(', ')}.`,
    });
    this.email = this.account.email;
    this.member = this.account.member;
    const grants: Record<string, PubsubTopicIamMember> = {};
    for (const topicKey of stage.publishesTo) {
      const topicId = config.topicIds[topicKey];
      if (!topicId) throw new Error(`stage "${stage.key}" publishes to topic "${topicKey}", which has no id`);
      grants[topicKey] = new PubsubTopicIamMember(this, `publish-${topicKey}`, {
        topic: topicId,
        role: ROLES.publisher,
        member: this.account.member,
      });
    }
    this.publisherGrants = grants;
  }
}
