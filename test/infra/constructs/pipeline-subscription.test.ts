import 'cdktf/lib/testing/adapters/jest';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { Testing } from 'cdktf';
import { PipelineSubscription } from '../../../toolkit/infra/constructs/pipeline-subscription';
import { type Body, only, parse } from '../support/synth';
import { aFilteredPullSubscription, aPushSubscription, deadLetterTopic } from '../support/topology';

Testing.setupJest();

const push = { endpoint: 'https://fn.run.app/projects/p/topics/t', audience: 'https://fn.run.app', serviceAccountEmail: 'push@p.iam.gserviceaccount.com' };

describe('PipelineSubscription', () => {
  it('creates a pull subscription with its filter, no push config and no expiry', () => {
    const subscription = aFilteredPullSubscription();
    const synthesised = Testing.synthScope((scope) => new PipelineSubscription(scope, 'sub', { subscription, topicId: 'projects/p/topics/t' }));
    expect(synthesised).toHaveResourceWithProperties(PubsubSubscription, {
      name: subscription.name,
      topic: 'projects/p/topics/t',
      filter: subscription.filter,
      ack_deadline_seconds: subscription.ackDeadlineSeconds,
      expiration_policy: { ttl: '' },
    });
    const body = only(parse(synthesised), 'google_pubsub_subscription');
    expect(body['push_config']).toBeUndefined();
    expect(body['dead_letter_policy']).toBeUndefined();
  });

  it('creates a push subscription with OIDC, its dead-letter policy, retries and ordering', () => {
    const subscription = aPushSubscription();
    const synthesised = Testing.synthScope((scope) =>
      new PipelineSubscription(scope, 'sub', { subscription, topicId: 'projects/p/topics/in', deadLetterTopicId: deadLetterTopic().path, push }),
    );
    const body = only(parse(synthesised), 'google_pubsub_subscription');
    expect(body['push_config']).toEqual({
      push_endpoint: push.endpoint,
      oidc_token: { audience: push.audience, service_account_email: push.serviceAccountEmail },
    });
    expect(body['dead_letter_policy']).toEqual({
      dead_letter_topic: deadLetterTopic().path,
      max_delivery_attempts: subscription.deadLetterPolicy?.maxDeliveryAttempts,
    });
    expect(body['retry_policy']).toEqual({ minimum_backoff: subscription.retryPolicy.minimumBackoff, maximum_backoff: subscription.retryPolicy.maximumBackoff });
    expect(body['enable_message_ordering']).toBe(subscription.enableMessageOrdering);
    expect((body['expiration_policy'] as Body)['ttl']).toBe('');
  });

  it('refuses a push subscription without a push target, and a pull one with a push target', () => {
    expect(() =>
      Testing.synthScope((scope) => new PipelineSubscription(scope, 'sub', { subscription: aPushSubscription(), topicId: 't', deadLetterTopicId: 'd' })),
    ).toThrow(/needs a push target/);
    expect(() => Testing.synthScope((scope) => new PipelineSubscription(scope, 'sub', { subscription: aFilteredPullSubscription(), topicId: 't', push }))).toThrow(
      /a push target was given/,
    );
  });

  it('refuses a dead-letter policy without the dead-letter topic', () => {
    expect(() => Testing.synthScope((scope) => new PipelineSubscription(scope, 'sub', { subscription: aPushSubscription(), topicId: 't', push }))).toThrow(
      /no dead-letter topic id/,
    );
  });
});
