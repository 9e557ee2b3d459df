import type { PubSub } from '@google-cloud/pubsub';
import type { CompiledTopology } from '../pipeline/topology';
import { DEAD_LETTER_DEFAULTS } from './defaults';
import { deadLetterSubscription } from './scan';
import { openSession } from './session';

/** Options of `purgeDeadLetters`. */
export interface PurgeOptions {
  /** Purge what was dead-lettered up to this instant; later arrivals stay. Default: when the purge starts. */
  readonly before?: Date;
  readonly pullTimeoutMillis?: number;
}

/** What a purge did. */
export interface PurgeSummary {
  readonly subscription: string;
  /** Dead letters acknowledged, i.e. deleted. */
  readonly purged: number;
  /** Dead letters that arrived after `before`, left in place. */
  readonly kept: number;
  readonly before: string;
}

/**
 * Deletes dead letters: pulls and acknowledges every message published to the dead-letter subscription up to
 * `before`, until a pull comes back empty. Messages that arrive while it runs are held and handed back, so a
 * purge removes exactly what was there when it started (seeking the subscription to a time would be quicker,
 * but the emulator does not implement seek faithfully, and acknowledging lets the purge count what it deleted).
 */
export async function purgeDeadLetters(pubsub: PubSub, topology: CompiledTopology, options: PurgeOptions = {}): Promise<PurgeSummary> {
  const before = options.before ?? new Date();
  const cutoff = before.toISOString();
  const subscription = deadLetterSubscription(topology);
  const session = await openSession(pubsub, { subscription: subscription.path, ackDeadlineSeconds: subscription.ackDeadlineSeconds, pullTimeoutMillis: options.pullTimeoutMillis });
  let purged = 0;
  const kept = new Set<string>();
  try {
    for (;;) {
      const batch = await session.pull(DEAD_LETTER_DEFAULTS.pullBatchSize);
      if (batch.length === 0) break;
      const old = batch.filter((message) => message.publishTime <= cutoff);
      for (const message of batch) if (message.publishTime > cutoff) kept.add(message.messageId);
      if (old.length > 0) await session.ack(old);
      purged += old.length;
    }
    return { subscription: subscription.name, purged, kept: kept.size, before: cutoff };
  } finally {
    await session.close();
  }
}
