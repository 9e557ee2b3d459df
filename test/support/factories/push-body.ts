import type { PushBody } from '../../../toolkit/core/runtime/push-body';

/** What a test may change in a push body; everything else gets a realistic default. */
export interface PushBodyOverrides {
  /**
   * The message data: an object is sent as JSON, a string as UTF-8 text, a Buffer as its bytes, `null` leaves
   * `data` out (what the emulator does for an empty message). Default: `{"text": "hello world"}`.
   */
  readonly data?: unknown;
  /** `null` sends `"attributes": null`. */
  readonly attributes?: Record<string, string> | null;
  readonly messageId?: string;
  readonly publishTime?: string;
  readonly orderingKey?: string;
  readonly subscription?: string;
  readonly deliveryAttempt?: number;
}

/** The subscription path the factory's bodies claim to come through. */
export const TEST_SUBSCRIPTION = 'projects/test-project/subscriptions/dev-ai-inference-language-push';

/** Base64 of the bytes a `data` override stands for. */
export function encodeData(data: unknown): string {
  if (Buffer.isBuffer(data)) return data.toString('base64');
  if (typeof data === 'string') return Buffer.from(data, 'utf8').toString('base64');
  return Buffer.from(JSON.stringify(data), 'utf8').toString('base64');
}

/**
 * A raw Pub/Sub push body as Google Cloud sends it: both id spellings, publish time, delivery attempt. Override
 * fields to shape the message; pass `undefined` for `orderingKey`/`deliveryAttempt` (the default) to leave them
 * out as the emulator does.
 */
export function pushBody(overrides: PushBodyOverrides = {}): PushBody {
  const messageId = overrides.messageId ?? '1001';
  const publishTime = overrides.publishTime ?? '2024-05-01T12:00:00.000Z';
  const data = 'data' in overrides ? overrides.data : { text: 'hello world' };
  return {
    message: {
      ...(data === null ? {} : { data: encodeData(data) }),
      attributes: overrides.attributes === undefined ? {} : overrides.attributes,
      messageId,
      message_id: messageId,
      publishTime,
      publish_time: publishTime,
      ...(overrides.orderingKey !== undefined ? { orderingKey: overrides.orderingKey } : {}),
    },
    subscription: overrides.subscription ?? TEST_SUBSCRIPTION,
    ...(overrides.deliveryAttempt !== undefined ? { deliveryAttempt: overrides.deliveryAttempt } : {}),
  };
}
