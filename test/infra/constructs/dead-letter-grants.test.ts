import 'cdktf/lib/testing/adapters/jest';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { Testing } from 'cdktf';
import { DeadLetterGrants } from '../../../toolkit/infra/constructs/dead-letter-grants';
import { parse, resources } from '../support/synth';

Testing.setupJest();

describe('DeadLetterGrants', () => {
  it('grants the service agent publisher on the dead-letter topic and subscriber on each dead-lettering subscription', () => {
    const member = 'serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com';
    const synthesised = Testing.synthScope(
      (scope) =>
        new DeadLetterGrants(scope, 'grants', {
          serviceAgentMember: member,
          deadLetterTopicId: 'projects/p/topics/dead',
          subscriptionIds: { a: 'projects/p/subscriptions/a', b: 'projects/p/subscriptions/b' },
        }),
    );
    expect(synthesised).toHaveResourceWithProperties(PubsubTopicIamMember, { topic: 'projects/p/topics/dead', role: 'roles/pubsub.publisher', member });
    const subscribers = resources(parse(synthesised), 'google_pubsub_subscription_iam_member').map((r) => r.body);
    expect(subscribers).toEqual([
      { subscription: 'projects/p/subscriptions/a', role: 'roles/pubsub.subscriber', member },
      { subscription: 'projects/p/subscriptions/b', role: 'roles/pubsub.subscriber', member },
    ]);
  });
});
