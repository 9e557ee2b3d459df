import type { Message } from '@google-cloud/pubsub';
import { formatReadable, toTailRecord, type TailRecord } from '../../../toolkit/cli/format';

/** The fields of a received Pub/Sub message that `toTailRecord` reads. */
function message(overrides: { data: Buffer; attributes?: Record<string, string>; orderingKey?: string; deliveryAttempt?: number }): Message {
  return {
    id: '9001',
    publishTime: new Date('2024-05-01T12:34:56.789Z'),
    orderingKey: overrides.orderingKey ?? '',
    deliveryAttempt: overrides.deliveryAttempt ?? 0,
    attributes: overrides.attributes ?? {},
    data: overrides.data,
  } as unknown as Message;
}

describe('toTailRecord', () => {
  it.each([
    ['JSON data as a value', Buffer.from('{"text":"hi"}'), { data: { text: 'hi' } }],
    ['text data as a string', Buffer.from('plain text é'), { data: 'plain text é' }],
    ['binary data as base64', Buffer.from([0xff, 0x00, 0xfe]), { dataBase64: '/wD+' }],
  ])('keeps %s', (_name, data, expected) => {
    // Act
    const record = toTailRecord(message({ data }));

    // Assess
    expect(record).toEqual({ messageId: '9001', publishTime: '2024-05-01T12:34:56.789Z', attributes: {}, ...expected });
  });

  it('includes ordering key and delivery attempt only when set', () => {
    // Act
    const record = toTailRecord(message({ data: Buffer.from('1'), orderingKey: 'k', deliveryAttempt: 3, attributes: { lang: 'en' } }));

    // Assess
    expect(record).toMatchObject({ orderingKey: 'k', deliveryAttempt: 3, attributes: { lang: 'en' } });
    expect(toTailRecord(message({ data: Buffer.from('1') }))).not.toHaveProperty('orderingKey');
  });
});

describe('formatReadable', () => {
  const base: TailRecord = { messageId: '1', publishTime: '2024-05-01T12:34:56.789Z', attributes: {} };

  it('shows time, correlation id, result attributes and the text', () => {
    // Act
    const line = formatReadable({ ...base, attributes: { correlationId: 'order-17', lang: 'en', sentiment: 'positive', stage: 'nlp', other: 'x' }, data: { text: 'Hello\n  there' } }, ['lang', 'sentiment', 'stage']);

    // Assess
    expect(line).toBe('12:34:56.789 order-17 lang=en sentiment=positive stage=nlp | Hello there');
  });

  it('shows the reason of our dead letters', () => {
    // Act
    const line = formatReadable({ ...base, attributes: { dlqReason: 'INVALID_JSON', dlqStage: 'language', dlqError: 'not JSON' }, data: 'oops' });

    // Assess
    expect(line).toBe('12:34:56.789 DEAD-LETTER INVALID_JSON at language: not JSON | oops');
  });

  it('shows the delivery count of dead letters Pub/Sub made itself', () => {
    // Act
    const line = formatReadable({ ...base, attributes: { CloudPubSubDeadLetterSourceDeliveryCount: '10' }, data: { text: 'hi' } });

    // Assess
    expect(line).toContain('DEAD-LETTER retries exhausted after 10 deliveries');
  });

  it('cuts a long text to 80 characters', () => {
    // Act
    const line = formatReadable({ ...base, data: { text: 'x'.repeat(200) } });

    // Assess
    const preview = line.split(' | ')[1] ?? '';
    expect(preview).toHaveLength(80);
    expect(preview.endsWith('…')).toBe(true);
  });

  it('describes binary data by its size', () => {
    expect(formatReadable({ ...base, dataBase64: 'AAAA' })).toContain('<4 base64 chars>');
  });
});
