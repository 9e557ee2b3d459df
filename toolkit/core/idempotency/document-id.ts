import { createHash } from 'node:crypto';

/**
 * The Firestore document id of a message's record in a stage: a SHA-256 of both. Keys come from publishers and
 * may hold `/`, be longer than an id may be, or look like `__reserved__`; a hash is always a valid id, and its
 * randomness spreads writes across Firestore's key ranges instead of hot-spotting one.
 */
export function recordDocumentId(stage: string, key: string): string {
  return createHash('sha256').update(stage).update('\n').update(key).digest('hex');
}
