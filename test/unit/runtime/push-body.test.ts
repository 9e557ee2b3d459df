import { InvalidEncodingError, InvalidPushBodyError, type PipelineError } from '../../../toolkit/core/runtime/errors';
import { decodeBase64, parsePushRequest, PUBSUB_CLOUDEVENT_TYPE } from '../../../toolkit/core/runtime/push-body';
import type { ReceivedMessage } from '../../../toolkit/core/runtime/received-message';
import { pushBody, TEST_SUBSCRIPTION } from '../../support/factories/push-body';
import { fakeRequest, type FakeRequestInit } from '../../support/fakes/http';
import fixtures from '../../fixtures/runtime/push-bodies.json';

/** A request that must parse, and the message it must give (data as UTF-8 text). */
interface ValidCase {
  readonly name: string;
  readonly request: FakeRequestInit;
  readonly expected: Omit<ReceivedMessage, 'data'> & { readonly data: string };
}

/** A request that must be refused, with the error class, its code and a fragment of its message. */
interface InvalidCase {
  readonly name: string;
  readonly request: FakeRequestInit;
  readonly error: 'InvalidPushBodyError' | 'InvalidEncodingError';
  readonly code: string;
  readonly fragment: string;
}

const validCases = fixtures.valid as unknown as readonly ValidCase[];
const invalidCases = fixtures.invalid as unknown as readonly InvalidCase[];
const ERROR_CLASSES = { InvalidPushBodyError, InvalidEncodingError } as const;

/** Runs `parsePushRequest` and returns what it threw; fails the test if it parsed. */
function parseErrorOf(init: FakeRequestInit): PipelineError {
  try {
    parsePushRequest(fakeRequest(init));
  } catch (error) {
    return error as PipelineError;
  }
  throw new Error(`expected ${JSON.stringify(init.body)} to be refused`);
}

describe('parsePushRequest', () => {
  describe('accepts what Pub/Sub sends', () => {
    it.each(validCases)('$name', ({ request, expected }) => {
      // Act
      const message = parsePushRequest(fakeRequest(request));

      // Assess
      expect({ ...message, data: message.data.toString('utf8') }).toEqual(expected);
    });
  });

  describe('refuses what is not a Pub/Sub message', () => {
    it.each(invalidCases)('$name', ({ request, error, code, fragment }) => {
      // Act
      const thrown = parseErrorOf(request);

      // Assess
      expect(thrown).toBeInstanceOf(ERROR_CLASSES[error]);
      expect(thrown.code).toBe(code);
      expect(thrown.retryable).toBe(false);
      expect(thrown.message).toContain(fragment);
    });
  });

  it('keeps binary data byte for byte', () => {
    // Prepare: bytes that are not UTF-8, including every value 0..255.
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

    // Act
    const message = parsePushRequest(fakeRequest({ body: pushBody({ data: bytes }) }));

    // Assess
    expect(message.data.equals(bytes)).toBe(true);
  });

  it('reads the factory body as Google sends it', () => {
    // Act
    const message = parsePushRequest(fakeRequest({ body: pushBody({ messageId: '77', attributes: { lang: 'en' }, orderingKey: 'k', deliveryAttempt: 2 }) }));

    // Assess
    expect(message).toMatchObject({ messageId: '77', attributes: { lang: 'en' }, orderingKey: 'k', deliveryAttempt: 2, subscription: TEST_SUBSCRIPTION });
    expect(JSON.parse(message.data.toString('utf8'))).toEqual({ text: 'hello world' });
  });

  it('matches the ce-type header case-insensitively, as HTTP does', () => {
    // Act
    const thrown = parseErrorOf({ body: pushBody(), headers: { 'Ce-Type': 'com.example.other' } });

    // Assess
    expect(thrown).toBeInstanceOf(InvalidPushBodyError);
    expect(thrown.message).toContain('"com.example.other"');
  });

  it('refuses a Buffer body (a push with a non-JSON content type parsed raw)', () => {
    // Act
    const thrown = parseErrorOf({ body: Buffer.from(JSON.stringify(pushBody())) });

    // Assess
    expect(thrown).toBeInstanceOf(InvalidPushBodyError);
    expect(thrown.message).toContain('request body is not a JSON object');
  });

  it('uses the CloudEvent type Pub/Sub uses', () => {
    expect(PUBSUB_CLOUDEVENT_TYPE).toBe('google.cloud.pubsub.topic.v1.messagePublished');
  });
});

describe('decodeBase64', () => {
  it.each([
    ['', ''],
    ['aGk=', 'hi'],
    ['aGVsbG8=', 'hello'],
    ['aGVs\nbG8=', 'hello'],
  ])('decodes %j', (encoded, text) => {
    expect(decodeBase64(encoded, 'field').toString('utf8')).toBe(text);
  });

  it.each(['aGk', 'a===', '=aGk', 'aG!k', 'aGk=aGk='])('refuses %j, naming the field', (encoded) => {
    // Act
    const act = () => decodeBase64(encoded, 'message.data');

    // Assess
    expect(act).toThrow(InvalidEncodingError);
    expect(act).toThrow('message.data is not valid base64');
  });
});
