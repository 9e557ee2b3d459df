import { createHash } from 'node:crypto';
import { ATTR } from '../pipeline/attributes';
import type { ReceivedMessage } from './received-message';

/**
 * The deduplication key of a message: the publisher's `idempotencyKey` attribute when given, else a SHA-256 of
 * its content (the seeds' content-based deduplication). The content hash covers the data and the ordering key,
 * not the attributes, so the same request published twice is one request.
 *
 * The replay generation (`replayCount`, set by `aipipe dlq replay`) is part of the key: a dead-lettered attempt
 * is recorded as completed, so without it the replay would be dropped as a duplicate of the attempt that failed.
 * Replaying the same dead letter twice gives the same generation, and so is still deduplicated.
 */
export function idempotencyKey(message: ReceivedMessage): string {
  const replay = message.attributes[ATTR.replayCount];
  const generation = replay ? `#replay:${replay}` : '';
  const given = message.attributes[ATTR.idempotencyKey];
  if (given) return `key:${given}${generation}`;
  const hash = createHash('sha256').update(message.data);
  if (message.orderingKey) hash.update('\0').update(message.orderingKey);
  return `sha256:${hash.digest('hex')}${generation}`;
}
