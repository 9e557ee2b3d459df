import type { CompiledSubscription, CompiledTopology } from '../pipeline/topology';
import { DEAD_LETTER_DEFAULTS } from './defaults';
import { DeadLetterError } from './errors';
import { comparePulled, type PulledMessage } from './pulled-message';
import type { Session } from './session';

/** What a scan read. */
export interface Scan {
  /** Every distinct message read, held, ordered by publish time then messageId. */
  readonly messages: readonly PulledMessage[];
  /** True when `max` was reached: the subscription may hold more than was read. */
  readonly truncated: boolean;
}

/** The dead-letter pull subscription of a topology, failing clearly if the topology has none. */
export function deadLetterSubscription(topology: CompiledTopology): CompiledSubscription {
  const subscription = topology.subscriptions[topology.deadLetterSubscription];
  if (!subscription || subscription.kind !== 'pull') {
    throw new DeadLetterError(`the topology's dead-letter subscription "${topology.deadLetterSubscription}" is missing or not a pull subscription`);
  }
  return subscription;
}

/**
 * Pulls until the subscription has nothing more to give or `max` messages are held, holding everything it reads.
 * A message pulled twice (its lease ran out and it came back) is kept once, with its newest ack id.
 */
export async function scanSubscription(session: Session, max: number = DEAD_LETTER_DEFAULTS.scanMax): Promise<Scan> {
  const byId = new Map<string, PulledMessage>();
  let truncated = false;
  for (;;) {
    const room = max - byId.size;
    if (room <= 0) {
      truncated = true;
      break;
    }
    const batch = await session.pull(Math.min(room, DEAD_LETTER_DEFAULTS.pullBatchSize));
    if (batch.length === 0) break;
    for (const message of batch) {
      const previous = byId.get(message.messageId);
      // Only the newest ack id of a redelivered message is valid (the emulator may even reuse the same one).
      if (previous && previous.ackId !== message.ackId) session.forget([previous]);
      byId.set(message.messageId, message);
    }
  }
  return { messages: [...byId.values()].sort(comparePulled), truncated };
}
