import 'cdktf/lib/testing/adapters/jest';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { Testing } from 'cdktf';
import { PipelineTopic } from '../../../toolkit/infra/constructs/pipeline-topic';
import { only, parse } from '../support/synth';
import { deadLetterTopic, TOPOLOGY } from '../support/topology';

Testing.setupJest();

describe('PipelineTopic', () => {
  it('creates the compiled topic with its name, retention and labels', () => {
    const topic = deadLetterTopic();
    const synthesised = Testing.synthScope((scope) => new PipelineTopic(scope, 'topic', { topic }));
    expect(synthesised).toHaveResourceWithProperties(PubsubTopic, {
      name: topic.name,
      message_retention_duration: topic.messageRetentionDuration,
      labels: topic.labels,
    });
    expect(only(parse(synthesised), 'google_pubsub_topic')['kms_key_name']).toBeUndefined();
  });

  it('uses the customer-managed key when one is given', () => {
    const topic = Object.values(TOPOLOGY.topics)[0];
    if (!topic) throw new Error('no topic');
    const kmsKeyName = 'projects/p/locations/l/keyRings/r/cryptoKeys/k';
    const synthesised = Testing.synthScope((scope) => new PipelineTopic(scope, 'topic', { topic, kmsKeyName }));
    expect(only(parse(synthesised), 'google_pubsub_topic')['kms_key_name']).toBe(kmsKeyName);
  });
});
