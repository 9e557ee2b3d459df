import 'cdktf/lib/testing/adapters/jest';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Testing } from 'cdktf';
import { StageServiceAccount } from '../../../toolkit/infra/constructs/stage-service-account';
import { parse, resources } from '../support/synth';
import { aStage, fakeTopicIds } from '../support/topology';

Testing.setupJest();

describe('StageServiceAccount', () => {
  it('creates an account that may publish to exactly the stage topics, each granted on the topic', () => {
    const stage = aStage();
    const topicIds = fakeTopicIds();
    const synthesised = Testing.synthScope((scope) => new StageServiceAccount(scope, 'identity', { stage, topicIds }));
    expect(synthesised).toHaveResource(ServiceAccount);
    const json = parse(synthesised);
    const [account] = resources(json, 'google_service_account');
    expect(String(account?.body['account_id'])).toMatch(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
    const grants = resources(json, 'google_pubsub_topic_iam_member');
    expect(grants.map((g) => g.body['topic']).sort()).toEqual(stage.publishesTo.map((key) => topicIds[key]).sort());
    for (const grant of grants) expect(grant.body['role']).toBe('roles/pubsub.publisher');
    expect(Object.keys(json.resource ?? {}).sort()).toEqual(['google_pubsub_topic_iam_member', 'google_service_account']);
  });

  it('fails when a topic the stage publishes to has no id', () => {
    expect(() => Testing.synthScope((scope) => new StageServiceAccount(scope, 'identity', { stage: aStage(), topicIds: {} }))).toThrow(/has no id/);
  });
});
