import { ATTR, DEAD_LETTER_ATTRIBUTE_KEYS, PUBSUB_DEAD_LETTER_ATTR } from '../../../toolkit/core/pipeline/attributes';
import { buildDeadLetter, type DeadLetterSource } from '../../../toolkit/core/runtime/dead-letter';
import { InvalidJsonError, LimitExceededError, PermanentError } from '../../../toolkit/core/runtime/errors';
import { limitProblems } from '../../../toolkit/core/runtime/limits';
import { manyAttributes, receivedMessage } from '../../support/factories/received-message';

const SOURCE: DeadLetterSource = {
  stage: 'language',
  subscription: 'projects/test-project/subscriptions/dev-ai-inference-language-push',
  sourceTopic: 'dev-ai-workloads-topic',
  now: new Date('2024-05-01T12:34:56.789Z'),
};

const bytes = (value: string): number => Buffer.byteLength(value, 'utf8');

describe('buildDeadLetter', () => {
  it('adds the reason as attributes', () => {
    // Prepare
    const message = receivedMessage({ messageId: '2001', attributes: { correlationId: 'order-17', lang: 'en' } });

    // Act
    const deadLetter = buildDeadLetter(message, new InvalidJsonError('message data is not JSON'), SOURCE);

    // Assess
    expect(deadLetter.attributes).toEqual({
      correlationId: 'order-17',
      lang: 'en',
      dlqReason: 'INVALID_JSON',
      dlqError: 'message data is not JSON',
      dlqStage: 'language',
      dlqSubscription: SOURCE.subscription,
      dlqSourceTopic: 'dev-ai-workloads-topic',
      dlqSourceMessageId: '2001',
      dlqTime: '2024-05-01T12:34:56.789Z',
    });
    expect(deadLetter.orderingKey).toBeUndefined();
  });

  it('records the ordering key as an attribute, since the dead letter cannot carry it as such', () => {
    // Act
    const deadLetter = buildDeadLetter(receivedMessage({ orderingKey: 'customer-9' }), new PermanentError('no'), SOURCE);

    // Assess
    expect(deadLetter.attributes[ATTR.dlqOrderingKey]).toBe('customer-9');
    expect(deadLetter.orderingKey).toBeUndefined();
  });

  it.each([
    ['kept from the attribute', { correlationId: 'order-17' }, 'order-17'],
    ['derived from the messageId when absent', {}, '2001'],
    ['derived from the messageId when empty', { correlationId: '' }, '2001'],
  ])('has a correlationId %s', (_name, attributes, expected) => {
    // Act
    const deadLetter = buildDeadLetter(receivedMessage({ messageId: '2001', attributes }), new PermanentError('no'), SOURCE);

    // Assess
    expect(deadLetter.attributes[ATTR.correlationId]).toBe(expected);
  });

  it('cuts a long error message to 1024 bytes without splitting characters', () => {
    // Prepare: 3-byte characters, so the cut cannot fall on a byte boundary by luck.
    const error = new PermanentError(`bad input: ${'語'.repeat(2000)}`);

    // Act
    const deadLetter = buildDeadLetter(receivedMessage(), error, SOURCE);

    // Assess
    const dlqError = deadLetter.attributes[ATTR.dlqError] ?? '';
    expect(bytes(dlqError)).toBeLessThanOrEqual(1024);
    expect(bytes(dlqError)).toBeGreaterThan(1000);
    expect(dlqError.startsWith('bad input: 語語')).toBe(true);
    expect(dlqError.endsWith('…')).toBe(true);
    expect(dlqError).not.toContain('\uFFFD');
  });

  it('keeps the original data byte for byte', () => {
    // Prepare: bytes that are not valid UTF-8, as a poison message might be.
    const data = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x7b, 0x22, 0xc3]);

    // Act
    const deadLetter = buildDeadLetter(receivedMessage({ data }), new InvalidJsonError('not JSON'), SOURCE);

    // Assess
    expect(deadLetter.data.equals(data)).toBe(true);
  });

  it('keeps empty data empty', () => {
    expect(buildDeadLetter(receivedMessage({ data: Buffer.alloc(0) }), new PermanentError('empty'), SOURCE).data).toHaveLength(0);
  });

  describe('a message that already has 100 attributes', () => {
    it.each([
      ['without an ordering key', undefined],
      ['with an ordering key', 'customer-9'],
    ])('stays within limits %s and counts what it dropped', (_name, orderingKey) => {
      // Prepare
      const attributes = { ...manyAttributes(99), correlationId: 'order-17' };
      const message = receivedMessage({ attributes, orderingKey });

      // Act
      const deadLetter = buildDeadLetter(message, new LimitExceededError('too big'), SOURCE);

      // Assess
      expect(limitProblems(deadLetter)).toEqual([]);
      const keys = Object.keys(deadLetter.attributes);
      expect(keys.length).toBeLessThanOrEqual(100);
      const kept = keys.filter((key) => key in manyAttributes(99));
      expect(Number(deadLetter.attributes[ATTR.dlqDroppedAttributes])).toBe(99 - kept.length);
      expect(kept.length).toBeGreaterThan(80);
      // Originals are kept in order: the dropped ones are the last.
      expect(kept).toEqual(Object.keys(manyAttributes(kept.length)));
      expect(deadLetter.attributes).toMatchObject({ correlationId: 'order-17', dlqReason: 'LIMIT_EXCEEDED', dlqStage: 'language', dlqSourceMessageId: message.messageId });
      if (orderingKey) expect(deadLetter.attributes[ATTR.dlqOrderingKey]).toBe(orderingKey);
    });

    it('keeps the correlationId derived from the messageId when it must drop others', () => {
      // Act
      const deadLetter = buildDeadLetter(receivedMessage({ messageId: '555', attributes: manyAttributes(100) }), new PermanentError('no'), SOURCE);

      // Assess
      expect(limitProblems(deadLetter)).toEqual([]);
      expect(deadLetter.attributes[ATTR.correlationId]).toBe('555');
      expect(Number(deadLetter.attributes[ATTR.dlqDroppedAttributes])).toBeGreaterThan(0);
    });
  });

  it('does not set dlqDroppedAttributes when nothing was dropped', () => {
    // Act
    const deadLetter = buildDeadLetter(receivedMessage({ attributes: manyAttributes(50) }), new PermanentError('no'), SOURCE);

    // Assess
    expect(deadLetter.attributes).not.toHaveProperty(ATTR.dlqDroppedAttributes);
    expect(Object.keys(deadLetter.attributes).filter((key) => key.startsWith('a'))).toHaveLength(50);
  });

  it('does not carry the bookkeeping of an earlier dead-lettering', () => {
    // Prepare: a replayed dead letter that failed again, with our attributes and Pub/Sub's own.
    const attributes: Record<string, string> = {
      correlationId: 'order-17',
      lang: 'en',
      dlqReason: 'INVALID_JSON',
      dlqError: 'old error',
      dlqStage: 'nlp',
      dlqSubscription: 'projects/test-project/subscriptions/old',
      dlqSourceTopic: 'dev-ai-english-text',
      dlqSourceMessageId: 'old-id',
      dlqOrderingKey: 'old-key',
      dlqTime: '2020-01-01T00:00:00.000Z',
      dlqDroppedAttributes: '7',
      [PUBSUB_DEAD_LETTER_ATTR.deliveryCount]: '10',
      [PUBSUB_DEAD_LETTER_ATTR.subscription]: 'dev-ai-inference-nlp-push',
      [PUBSUB_DEAD_LETTER_ATTR.subscriptionProject]: 'test-project',
      [PUBSUB_DEAD_LETTER_ATTR.topicPublishTime]: '2020-01-01T00:00:00.000Z',
    };

    // Act
    const deadLetter = buildDeadLetter(receivedMessage({ messageId: 'new-id', attributes }), new PermanentError('new error'), SOURCE);

    // Assess
    expect(deadLetter.attributes).toEqual({
      correlationId: 'order-17',
      lang: 'en',
      dlqReason: 'PERMANENT_FAILURE',
      dlqError: 'new error',
      dlqStage: 'language',
      dlqSubscription: SOURCE.subscription,
      dlqSourceTopic: 'dev-ai-workloads-topic',
      dlqSourceMessageId: 'new-id',
      dlqTime: '2024-05-01T12:34:56.789Z',
    });
    for (const key of Object.values(PUBSUB_DEAD_LETTER_ATTR)) expect(deadLetter.attributes).not.toHaveProperty(key);
    expect(DEAD_LETTER_ATTRIBUTE_KEYS).toContain(ATTR.dlqDroppedAttributes);
  });

  it('cuts over-long values and drops over-long keys that could not be published', () => {
    // Prepare: a hand-made message that Pub/Sub itself would not have accepted.
    const attributes = { claimCheck: 'é'.repeat(600), ['k'.repeat(300)]: 'v' };

    // Act
    const deadLetter = buildDeadLetter(receivedMessage({ attributes }), new PermanentError('no'), SOURCE);

    // Assess
    expect(limitProblems(deadLetter)).toEqual([]);
    expect(bytes(deadLetter.attributes[ATTR.claimCheck] ?? '')).toBeLessThanOrEqual(1024);
    expect(deadLetter.attributes[ATTR.dlqDroppedAttributes]).toBe('1');
  });
});
