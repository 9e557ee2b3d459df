import type { protos } from '@google-cloud/pubsub';
import { DeadLetterError } from './errors';

/** A message as a synchronous pull returned it, normalised; held until it is acknowledged or released. */
export interface PulledMessage {
  /** Valid while the lease is held; acknowledging or releasing needs it. */
  readonly ackId: string;
  readonly messageId: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly orderingKey?: string;
  /** When Pub/Sub accepted this copy (RFC 3339, millisecond precision). */
  readonly publishTime: string;
  /**
   * Sorts messages by publish time to the nanosecond, then by messageId: a stable position in the subscription
   * that pages can continue from (Pub/Sub itself has no cursor).
   */
  readonly sortKey: string;
}

type Seconds = string | number | { toString(): string } | null | undefined;

/** `{seconds, nanos}` (seconds may arrive as a string, number or Long) → sort key and RFC 3339. */
function publishTimeOf(timestamp: { seconds?: Seconds; nanos?: number | null } | null | undefined, messageId: string): { iso: string; key: string } {
  const secondsText = timestamp?.seconds === undefined || timestamp?.seconds === null ? '' : timestamp.seconds.toString();
  if (!/^\d+$/.test(secondsText)) throw new DeadLetterError(`message ${messageId} has no valid publishTime (got ${JSON.stringify(timestamp)}); expected {seconds, nanos}`);
  const nanos = timestamp?.nanos ?? 0;
  const iso = new Date(Number(secondsText) * 1000 + Math.floor(nanos / 1e6)).toISOString();
  return { iso, key: `${secondsText.padStart(12, '0')}.${String(nanos).padStart(9, '0')}` };
}

/** Compares two messageIds as the numbers they are in Pub/Sub (longer is larger), without losing precision. */
export function compareMessageIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders messages by `sortKey`, then messageId. */
export function comparePulled(a: Pick<PulledMessage, 'sortKey' | 'messageId'>, b: Pick<PulledMessage, 'sortKey' | 'messageId'>): number {
  if (a.sortKey !== b.sortKey) return a.sortKey < b.sortKey ? -1 : 1;
  return compareMessageIds(a.messageId, b.messageId);
}

/** Normalises one entry of a pull response, failing with a message that names the missing field. */
export function toPulledMessage(received: protos.google.pubsub.v1.IReceivedMessage): PulledMessage {
  const message = received.message;
  const messageId = message?.messageId;
  if (!received.ackId || !message || !messageId) {
    throw new DeadLetterError(`a pulled message lacks ${!received.ackId ? 'ackId' : 'message.messageId'}; expected a Pub/Sub ReceivedMessage`);
  }
  const { iso, key } = publishTimeOf(message.publishTime, messageId);
  const data = message.data === undefined || message.data === null ? Buffer.alloc(0) : typeof message.data === 'string' ? Buffer.from(message.data, 'base64') : Buffer.from(message.data);
  return {
    ackId: received.ackId,
    messageId,
    data,
    attributes: { ...(message.attributes ?? {}) },
    ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
    publishTime: iso,
    sortKey: key,
  };
}
