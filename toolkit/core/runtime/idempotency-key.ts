import { createHash } from 'node:crypto';
import { ATTR } from '../pipeline/attributes';
import { PUBSUB_LIMITS } from '../pipeline/defaults';
import type { ContentDeduplicationSettings } from '../pipeline/topology';
import type { ReceivedMessage } from './received-message';

/**
 * A message's identity as a stage deduplicates it: what it claims in its idempotency store, and the request key
 * its results carry onward.
 */
export interface RequestIdentity {
  /** The key this stage claims (with its own stage name) in the idempotency store. */
  readonly claimKey: string;
  /** The request's identity, set as the `requestKey` attribute on every result and dead letter of the stage. */
  readonly requestKey: string;
  /**
   * How long a completed claim deduplicates, when it is not the store's own window: the pipeline's
   * `contentDeduplication.windowSeconds` for a content claim at ingress.
   */
  readonly windowMillis?: number;
}

/**
 * Attributes that are transport metadata, not part of the request as the publisher meant it: they differ between
 * two publishes of the same content (a new trace per publish, the client library's `googclient_` keys) or are
 * set by the toolkit itself.
 */
function isHashedAttribute(key: string): boolean {
  return key !== ATTR.traceparent && key !== ATTR.replayCount && key !== ATTR.requestKey && !key.startsWith('googclient_');
}

/**
 * SHA-256 of a request as published: data, ordering key and the publisher's attributes (sorted; length-prefixed
 * so no two different requests encode alike). A different `correlationId` is therefore a different request.
 */
export function contentHash(message: Pick<ReceivedMessage, 'data' | 'attributes' | 'orderingKey'>): string {
  const hash = createHash('sha256');
  const field = (value: Buffer | string): void => {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    hash.update(`${bytes.length}:`).update(bytes);
  };
  field(message.data);
  field(message.orderingKey ?? '');
  const attributes = Object.entries(message.attributes)
    .filter(([key]) => isHashedAttribute(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, value] of attributes) {
    field(key);
    field(value);
  }
  return hash.digest('hex');
}

/**
 * The identity of a delivered message, fixed once at ingress and carried on every hop:
 *
 * - a message that carries `requestKey` (every stage's output does) keeps it: later hops never look at their
 *   own input's bytes, so two requests whose intermediate results coincide (the same invoice as PNG and as JPEG
 *   gives the same OCR text) are never merged;
 * - otherwise this is the request's first hop. The key is the publisher's `idempotencyKey` when given
 *   (`key:<value>`); with the pipeline's content deduplication on, the stage claims a hash of the request as
 *   published (`content:<sha256>`, for the content window) and carries `content:<sha256>@<messageId>`, so two
 *   equal requests published more than a window apart stay two requests downstream; else the ingress messageId
 *   (`message:<id>`), which Pub/Sub keeps on every redelivery, so a redelivery is recognised and two publishes
 *   are two requests.
 *
 * The replay generation (`replayCount`, set by `aipipe dlq replay`) is part of the claim: a dead-lettered attempt
 * is recorded as completed, so without it the replay would be dropped as a duplicate of the attempt that failed.
 * Replaying the same dead letter twice gives the same generation, and so is still deduplicated.
 */
export function requestIdentity(message: ReceivedMessage, contentDeduplication?: ContentDeduplicationSettings): RequestIdentity {
  const replay = message.attributes[ATTR.replayCount];
  const generation = replay ? `#replay:${replay}` : '';
  const carried = message.attributes[ATTR.requestKey];
  if (carried) return { claimKey: `${carried}${generation}`, requestKey: carried };
  const given = message.attributes[ATTR.idempotencyKey];
  if (given) {
    // Carried as an attribute value, so it must fit one: a publisher key near the 1024-byte limit travels hashed.
    const requestKey = Buffer.byteLength(`key:${given}`) <= PUBSUB_LIMITS.attributeValueBytes ? `key:${given}` : `key-sha256:${createHash('sha256').update(given).digest('hex')}`;
    return { claimKey: `${requestKey}${generation}`, requestKey };
  }
  if (contentDeduplication) {
    const hash = `content:${contentHash(message)}`;
    return { claimKey: `${hash}${generation}`, requestKey: `${hash}@${message.messageId}`, windowMillis: contentDeduplication.windowSeconds * 1000 };
  }
  return { claimKey: `message:${message.messageId}${generation}`, requestKey: `message:${message.messageId}` };
}

/** The key a stage claims for a message (see `requestIdentity`). */
export function idempotencyKey(message: ReceivedMessage, contentDeduplication?: ContentDeduplicationSettings): string {
  return requestIdentity(message, contentDeduplication).claimKey;
}
