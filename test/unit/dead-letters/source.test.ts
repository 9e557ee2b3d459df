import { ATTR, PUBSUB_DEAD_LETTER_ATTR } from '../../../toolkit/core/pipeline/attributes';
import { describeDeadLetter, replayMessage, replayTarget, RETRIES_EXHAUSTED, UNKNOWN_REASON } from '../../../toolkit/core/dead-letters/source';
import { pulledMessage, subscriptionName, TOPOLOGY, topicName } from './factories';

describe('describeDeadLetter', () => {
  it('reads a dead letter the runtime wrote: reason, error, stage, time, ids and replay target', () => {
    // Prepare
    const pulled = pulledMessage({
      attributes: {
        [ATTR.correlationId]: 'order-17',
        [ATTR.dlqReason]: 'INVALID_JSON',
        [ATTR.dlqError]: 'message data is not JSON',
        [ATTR.dlqStage]: 'language',
        [ATTR.dlqSubscription]: `projects/test-project/subscriptions/${subscriptionName('languagePush')}`,
        [ATTR.dlqSourceTopic]: topicName('requests'),
        [ATTR.dlqSourceMessageId]: '42',
        [ATTR.dlqTime]: '2024-05-01T11:59:59.000Z',
        [ATTR.dlqOrderingKey]: 'customer-7',
      },
    });
    // Act
    const described = describeDeadLetter(pulled, TOPOLOGY);
    // Assess
    expect(described).toMatchObject({
      messageId: pulled.messageId,
      reason: 'INVALID_JSON',
      error: 'message data is not JSON',
      stage: 'language',
      deadLetteredAt: '2024-05-01T11:59:59.000Z',
      correlationId: 'order-17',
      sourceMessageId: '42',
      replayTopic: topicName('requests'),
      orderingKey: 'customer-7',
      replayCount: 0,
    });
    expect(described.attempts).toBeUndefined();
    expect(described.replayProblem).toBeUndefined();
  });

  it('reads a dead letter Pub/Sub moved after exhausting retries: stage and topic from its source subscription', () => {
    // Prepare
    const pulled = pulledMessage({
      publishTime: '2024-05-01T12:30:00.000Z',
      attributes: {
        [PUBSUB_DEAD_LETTER_ATTR.deliveryCount]: '10',
        [PUBSUB_DEAD_LETTER_ATTR.subscription]: subscriptionName('nlpPush'),
        [PUBSUB_DEAD_LETTER_ATTR.topicPublishTime]: '2024-05-01T12:00:00.000Z',
      },
    });
    // Act
    const described = describeDeadLetter(pulled, TOPOLOGY);
    // Assess
    expect(described).toMatchObject({
      reason: RETRIES_EXHAUSTED,
      attempts: 10,
      stage: 'nlp',
      deadLetteredAt: '2024-05-01T12:30:00.000Z',
      originallyPublishedAt: '2024-05-01T12:00:00.000Z',
      replayTopic: topicName('english'),
    });
  });

  it('calls a message without any dead-letter attribute UNKNOWN and cannot say where to replay it', () => {
    const described = describeDeadLetter(pulledMessage(), TOPOLOGY);
    expect(described.reason).toBe(UNKNOWN_REASON);
    expect(described.replayTopic).toBeUndefined();
    expect(described.replayProblem).toMatch(/neither dlqSourceTopic nor CloudPubSubDeadLetterSourceSubscription/);
  });

  it('counts earlier replays and ignores a malformed dlqTime', () => {
    const described = describeDeadLetter(pulledMessage({ publishTime: '2024-05-02T00:00:00.000Z', attributes: { [ATTR.replayCount]: '2', [ATTR.dlqTime]: 'yesterday' } }), TOPOLOGY);
    expect(described.replayCount).toBe(2);
    expect(described.deadLetteredAt).toBe('2024-05-02T00:00:00.000Z');
  });
});

describe('replayTarget', () => {
  it.each([
    ['a topic name', { [ATTR.dlqSourceTopic]: topicName('english') }, topicName('english'), 'dlqSourceTopic'],
    ['a topic path', { [ATTR.dlqSourceTopic]: `projects/test-project/topics/${topicName('english')}` }, topicName('english'), 'dlqSourceTopic'],
    ['a subscription name', { [PUBSUB_DEAD_LETTER_ATTR.subscription]: subscriptionName('languagePush') }, topicName('requests'), 'subscription'],
    ['a subscription path', { [PUBSUB_DEAD_LETTER_ATTR.subscription]: `projects/test-project/subscriptions/${subscriptionName('languagePush')}` }, topicName('requests'), 'subscription'],
  ])('finds the source topic from %s', (_what, attributes, expected, via) => {
    const target = replayTarget(attributes, TOPOLOGY);
    expect(target).toEqual({ topic: expect.objectContaining({ name: expected }), via });
  });

  it.each([
    ['another environment\'s topic', { [ATTR.dlqSourceTopic]: 'prod-desk-requests' }, /not a topic a stage of this pipeline consumes/],
    ['a topic no stage consumes (results)', { [ATTR.dlqSourceTopic]: topicName('results') }, /not a topic a stage of this pipeline consumes/],
    ['an unknown subscription', { [PUBSUB_DEAD_LETTER_ATTR.subscription]: 'somebody-elses-sub' }, /not a stage subscription of this pipeline/],
    ['a pull subscription', { [PUBSUB_DEAD_LETTER_ATTR.subscription]: subscriptionName('results') }, /not a stage subscription of this pipeline/],
  ])('refuses %s', (_what, attributes, problem) => {
    const target = replayTarget(attributes, TOPOLOGY);
    expect('problem' in target && target.problem).toMatch(problem);
  });
});

describe('replayMessage', () => {
  it('keeps data, attributes and ordering key, drops the bookkeeping and increments replayCount', () => {
    // Prepare
    const pulled = pulledMessage({
      data: Buffer.from('{"text":"again"}'),
      attributes: {
        [ATTR.correlationId]: 'order-17',
        [ATTR.idempotencyKey]: 'request-1',
        ['lang']: 'en',
        [ATTR.replayCount]: '1',
        [ATTR.dlqReason]: 'INVALID_OUTPUT',
        [ATTR.dlqError]: 'bug',
        [ATTR.dlqStage]: 'nlp',
        [ATTR.dlqSourceTopic]: topicName('english'),
        [ATTR.dlqOrderingKey]: 'customer-7',
        [ATTR.dlqTime]: '2024-05-01T11:59:59.000Z',
        [PUBSUB_DEAD_LETTER_ATTR.deliveryCount]: '3',
        [PUBSUB_DEAD_LETTER_ATTR.subscription]: 'x',
      },
    });
    // Act
    const message = replayMessage(describeDeadLetter(pulled, TOPOLOGY));
    // Assess
    expect(message.data.toString()).toBe('{"text":"again"}');
    expect(message.attributes).toEqual({ [ATTR.correlationId]: 'order-17', [ATTR.idempotencyKey]: 'request-1', ['lang']: 'en', [ATTR.replayCount]: '2' });
    expect(message.orderingKey).toBe('customer-7');
  });

  it('takes the ordering key from the carried attribute when the dead letter has no dlqOrderingKey', () => {
    const message = replayMessage(describeDeadLetter(pulledMessage({ attributes: { [ATTR.orderingKey]: 'k-9' } }), TOPOLOGY));
    expect(message.orderingKey).toBe('k-9');
    expect(message.attributes[ATTR.replayCount]).toBe('1');
  });
});
