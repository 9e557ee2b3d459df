import 'cdktf/lib/testing/adapters/jest';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { Testing } from 'cdktf';
import { PipelineStage } from '../../../toolkit/infra/constructs/pipeline-stage';
import { type Body, only, parse, target } from '../support/synth';
import { aStage, fakeTopicIds, TOPOLOGY } from '../support/topology';

Testing.setupJest();

describe('PipelineStage', () => {
  const stage = aStage();
  const subscription = TOPOLOGY.subscriptions[stage.subscription];
  const synth = (): string =>
    Testing.synthScope(
      (scope) =>
        new PipelineStage(scope, 'stage', {
          topology: TOPOLOGY,
          stageKey: stage.key,
          region: 'europe-west1',
          topicIds: fakeTopicIds(),
          sourceBucket: 'source-bucket',
          sourceObject: 'function-source/abc.zip',
          pubsubServiceAgentMember: 'serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com',
        }),
    );

  it('feeds the function from its push subscription, as the push identity, at the stage push path', () => {
    const synthesised = synth();
    expect(synthesised).toHaveResourceWithProperties(PubsubSubscription, { name: subscription?.name, topic: fakeTopicIds()[stage.consumes] });
    const json = parse(synthesised);
    const push = only(json, 'google_pubsub_subscription')['push_config'] as Body;
    expect(push['push_endpoint']).toBe(`\${google_cloudfunctions2_function.${target(json, (push['oidc_token'] as Body)['audience']).id}.service_config[0].uri}${stage.pushPath}`);
    const pushAccount = target(json, (push['oidc_token'] as Body)['service_account_email']);
    const runAs = target(json, (only(json, 'google_cloudfunctions2_function')['service_config'] as Body)['service_account_email']);
    // Two identities: the one Pub/Sub pushes as is not the one the function runs as.
    expect(pushAccount.id).not.toBe(runAs.id);
  });

  it('composes exactly one function, two accounts and one subscription', () => {
    const json = parse(synth());
    const counts = Object.fromEntries(Object.entries(json.resource ?? {}).map(([type, byId]) => [type, Object.keys(byId).length]));
    expect(counts).toEqual({
      google_cloud_run_v2_service_iam_member: 1,
      google_cloudfunctions2_function: 1,
      google_pubsub_subscription: 1,
      google_pubsub_topic_iam_member: stage.publishesTo.length,
      google_service_account: 2,
      google_service_account_iam_member: 1,
    });
  });

  it('fails on an unknown stage', () => {
    expect(() =>
      Testing.synthScope(
        (scope) =>
          new PipelineStage(scope, 'stage', {
            topology: TOPOLOGY,
            stageKey: 'nope',
            region: 'r',
            topicIds: fakeTopicIds(),
            sourceBucket: 'b',
            sourceObject: 'o',
            pubsubServiceAgentMember: 'm',
          }),
      ),
    ).toThrow(/unknown stage "nope"/);
  });
});
