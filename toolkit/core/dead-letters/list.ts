import type { PubSub } from '@google-cloud/pubsub';
import type { CompiledTopology } from '../pipeline/topology';
import { DEAD_LETTER_DEFAULTS } from './defaults';
import { DeadLetterError } from './errors';
import { decodePageToken, encodePageToken } from './page-token';
import { comparePulled } from './pulled-message';
import { deadLetterSubscription, scanSubscription } from './scan';
import { compileSelection, type Selection } from './selection';
import { openSession } from './session';
import { describeDeadLetter, type DeadLetter } from './source';

/** Options of `listDeadLetters`. */
export interface ListOptions {
  /** Dead letters per page. */
  readonly limit?: number;
  /** `nextPageToken` of the previous page. */
  readonly pageToken?: string;
  /** Show only these. */
  readonly selection?: Selection;
  /** Read at most this many messages from the subscription. */
  readonly scanMax?: number;
  readonly pullTimeoutMillis?: number;
}

/** One page of dead letters. */
export interface DeadLetterPage {
  /** Name of the dead-letter subscription read. */
  readonly subscription: string;
  /** This page, oldest first. */
  readonly deadLetters: readonly DeadLetter[];
  /** Dead letters matching the selection after the page token (this page and the ones after it). */
  readonly remaining: number;
  /** Messages read from the subscription (all of them unless `truncated`). */
  readonly scanned: number;
  /** True when `scanMax` was reached: there may be more dead letters than were read. */
  readonly truncated: boolean;
  /** Pass as `pageToken` for the next page; absent on the last page. */
  readonly nextPageToken?: string;
}

/**
 * Lists dead letters without consuming them.
 *
 * Pub/Sub has no peek and no cursor, so this pulls the backlog (synchronous pull, at most `scanMax` messages),
 * holds every lease while it reads (so no message is seen twice and none goes to another reader meanwhile),
 * sorts by publish time, cuts out the requested page, and finally hands every message back with
 * `modifyAckDeadline 0`. It never acknowledges: after it returns, every dead letter is still in the subscription
 * and immediately deliverable. While it runs (typically well under a second), other readers of the dead-letter
 * subscription do not get the held messages.
 */
export async function listDeadLetters(pubsub: PubSub, topology: CompiledTopology, options: ListOptions = {}): Promise<DeadLetterPage> {
  const limit = options.limit ?? DEAD_LETTER_DEFAULTS.pageSize;
  if (!Number.isInteger(limit) || limit < 1) throw new DeadLetterError(`limit ${limit}: expected a whole number ≥ 1`);
  const after = options.pageToken ? decodePageToken(options.pageToken) : undefined;
  const selected = compileSelection(options.selection ?? {});
  const subscription = deadLetterSubscription(topology);
  const session = await openSession(pubsub, { subscription: subscription.path, ackDeadlineSeconds: subscription.ackDeadlineSeconds, pullTimeoutMillis: options.pullTimeoutMillis });
  try {
    const scan = await scanSubscription(session, options.scanMax);
    const matching = scan.messages
      .filter((message) => !after || comparePulled(message, after) > 0)
      .map((message) => describeDeadLetter(message, topology))
      .filter(selected);
    const page = matching.slice(0, limit);
    const last = page[page.length - 1];
    return {
      subscription: subscription.name,
      deadLetters: page,
      remaining: matching.length,
      scanned: scan.messages.length,
      truncated: scan.truncated,
      ...(matching.length > limit && last ? { nextPageToken: encodePageToken(last.pulled) } : {}),
    };
  } finally {
    // Never acknowledge: every message read goes back.
    await session.close();
  }
}
