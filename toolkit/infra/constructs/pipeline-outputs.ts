import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';

/** Configuration of `PipelineOutputs`: names and URLs by topology key. */
export interface PipelineOutputsConfig {
  readonly topicNames: Readonly<Record<string, string>>;
  readonly subscriptionNames: Readonly<Record<string, string>>;
  readonly functionNames: Readonly<Record<string, string>>;
  readonly functionUrls: Readonly<Record<string, string>>;
  readonly sourceBucket: string;
  readonly deadLetterSubscription: string;
}

/**
 * The stack's Terraform outputs (`cdktf output <env>`), with fixed names so scripts can rely on them. Maps are
 * keyed like the topology (topic, stage and subscription keys).
 */
export class PipelineOutputs extends Construct {
  readonly outputs: readonly TerraformOutput[];

  constructor(scope: Construct, id: string, config: PipelineOutputsConfig) {
    super(scope, id);
    const output = (name: string, value: unknown, description: string): TerraformOutput =>
      // staticId: the output is called exactly `name`, not a path-derived id with a hash.
      new TerraformOutput(this, name, { value, description, staticId: true });
    this.outputs = [
      output('topic_names', { ...config.topicNames }, 'Pub/Sub topic names by topic key.'),
      output('subscription_names', { ...config.subscriptionNames }, 'Pub/Sub subscription names by subscription key.'),
      output('function_names', { ...config.functionNames }, 'Cloud Function names by stage key.'),
      output('function_urls', { ...config.functionUrls }, 'Cloud Run URLs of the functions by stage key (internal ingress: reachable by Pub/Sub push only).'),
      output('source_bucket', config.sourceBucket, 'Bucket holding the functions\' source archives.'),
      output('dead_letter_subscription', config.deadLetterSubscription, 'Pull subscription keeping dead letters.'),
    ];
  }
}
