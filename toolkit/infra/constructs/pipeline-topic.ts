import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CompiledTopic } from '../../core/pipeline/topology';

/** Configuration of a `PipelineTopic`. */
export interface PipelineTopicConfig {
  /** The topic as the topology compiled it: name, retention, labels. */
  readonly topic: CompiledTopic;
  /** Customer-managed encryption key (CMEK); Google-managed encryption when absent. */
  readonly kmsKeyName?: string;
  /** Must exist first, e.g. the grant that lets Pub/Sub use the CMEK key. */
  readonly dependsOn?: ITerraformDependable[];
}

/** One Pub/Sub topic of the compiled topology. */
export class PipelineTopic extends Construct {
  readonly resource: PubsubTopic;
  /** `projects/<project>/topics/<name>`, as subscriptions and dead-letter policies reference it. */
  readonly id: string;
  readonly name: string;

  constructor(scope: Construct, id: string, config: PipelineTopicConfig) {
    super(scope, id);
    const { topic } = config;
    this.resource = new PubsubTopic(this, 'topic', {
      name: topic.name,
      labels: { ...topic.labels },
      // Kept even after delivery, so subscriptions can seek back and replay within the window.
      messageRetentionDuration: topic.messageRetentionDuration,
      ...(config.kmsKeyName ? { kmsKeyName: config.kmsKeyName } : {}),
      ...(config.dependsOn?.length ? { dependsOn: config.dependsOn } : {}),
    });
    this.id = this.resource.id;
    this.name = this.resource.name;
  }
}
