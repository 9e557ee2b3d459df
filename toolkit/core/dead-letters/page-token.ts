import { DeadLetterError } from './errors';
import type { PulledMessage } from './pulled-message';

/** Where a page ended: the sort key and messageId of its last dead letter. */
export interface PagePosition {
  readonly sortKey: string;
  readonly messageId: string;
}

const SORT_KEY = /^\d{12}\.\d{9}$/;
const MESSAGE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * An opaque page token: the position (publish time, messageId) of the last dead letter shown, so the next page
 * starts after it whatever was replayed, purged or added in between (an offset would skip or repeat messages).
 */
export function encodePageToken(position: Pick<PulledMessage, 'sortKey' | 'messageId'>): string {
  return Buffer.from(`${position.sortKey}/${position.messageId}`, 'utf8').toString('base64url');
}

/** Reads a page token back; a token that was not made by `encodePageToken` is a `DeadLetterError`. */
export function decodePageToken(token: string): PagePosition {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const [sortKey, messageId, ...rest] = text.split('/');
  if (rest.length > 0 || !sortKey || !messageId || !SORT_KEY.test(sortKey) || !MESSAGE_ID.test(messageId)) {
    throw new DeadLetterError(`page token "${token}" is not valid; expected the nextPageToken printed by a previous \`dlq list\``);
  }
  return { sortKey, messageId };
}
