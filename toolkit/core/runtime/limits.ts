import { ATTR } from '../pipeline/attributes';
import { PUBSUB_LIMITS } from '../pipeline/defaults';
import { LimitExceededError } from './errors';

/**
 * Keys under Google's reserved prefix that the official client itself writes and Pub/Sub accepts
 * (`@google-cloud/pubsub` with `enableOpenTelemetryTracing: true`), so a stage carries them on.
 */
const CLIENT_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set([ATTR.googclientTraceparent]);

/** A message about to be published. */
export interface OutgoingMessage {
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly orderingKey?: string;
}

const bytes = (value: string): number => Buffer.byteLength(value, 'utf8');

/**
 * The size Pub/Sub counts against its 10 MB limit: data, attribute keys and values, and the ordering key.
 * (The emulator does not enforce the limit and fails without a clean error above it, so we check ourselves.)
 */
export function messageSize(message: OutgoingMessage): number {
  let size = message.data.length + (message.orderingKey ? bytes(message.orderingKey) : 0);
  for (const [key, value] of Object.entries(message.attributes)) size += bytes(key) + bytes(value);
  return size;
}

/** Every reason Pub/Sub would refuse this message, each naming the limit; empty if it would accept it. */
export function limitProblems(message: OutgoingMessage): string[] {
  const problems: string[] = [];
  const entries = Object.entries(message.attributes);
  if (entries.length > PUBSUB_LIMITS.attributesPerMessage) {
    problems.push(`${entries.length} attributes; Pub/Sub allows at most ${PUBSUB_LIMITS.attributesPerMessage}`);
  }
  for (const [key, value] of entries) {
    if (key.length === 0) problems.push('an attribute key is empty');
    else if (bytes(key) > PUBSUB_LIMITS.attributeKeyBytes) {
      problems.push(`attribute key "${key.slice(0, 40)}..." is ${bytes(key)} bytes; at most ${PUBSUB_LIMITS.attributeKeyBytes} allowed`);
    } else if (key.toLowerCase().startsWith('goog') && !CLIENT_ATTRIBUTE_KEYS.has(key)) problems.push(`attribute key "${key}" starts with "goog", which Google reserves`);
    if (bytes(value) > PUBSUB_LIMITS.attributeValueBytes) {
      problems.push(`attribute "${key.slice(0, 64)}" value is ${bytes(value)} bytes; at most ${PUBSUB_LIMITS.attributeValueBytes} allowed`);
    }
  }
  if (message.orderingKey && bytes(message.orderingKey) > PUBSUB_LIMITS.orderingKeyBytes) {
    problems.push(`ordering key is ${bytes(message.orderingKey)} bytes; at most ${PUBSUB_LIMITS.orderingKeyBytes} allowed`);
  }
  const size = messageSize(message);
  if (size > PUBSUB_LIMITS.messageBytes) {
    problems.push(`message is ${size} bytes; Pub/Sub allows at most ${PUBSUB_LIMITS.messageBytes} (10 MB) including attributes`);
  }
  return problems;
}

/** Throws `LimitExceededError` listing every Pub/Sub limit the message would break. */
export function assertWithinLimits(message: OutgoingMessage, what: string): void {
  const problems = limitProblems(message);
  if (problems.length > 0) throw new LimitExceededError(`${what} exceeds Pub/Sub limits: ${problems.join('; ')}`);
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a character, marking the cut with `…`. */
export function truncateUtf8(value: string, maxBytes: number): string {
  if (bytes(value) <= maxBytes) return value;
  // The marker only when it fits; a budget under 3 bytes gets a plain cut.
  const ellipsis = maxBytes >= bytes('…') ? '…' : '';
  const budget = maxBytes - bytes(ellipsis);
  let out = '';
  let used = 0;
  for (const char of value) {
    const size = bytes(char);
    if (used + size > budget) break;
    out += char;
    used += size;
  }
  return out + ellipsis;
}
