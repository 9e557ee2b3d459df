import { v1, type PubSub } from '@google-cloud/pubsub';
import { DEAD_LETTER_DEFAULTS } from './defaults';
import { DeadLetterError } from './errors';
import { toPulledMessage, type PulledMessage } from './pulled-message';

/** gRPC DEADLINE_EXCEEDED: a pull that found nothing before the client's timeout. */
const DEADLINE_EXCEEDED = 4;

/** Options of `openSession`. */
export interface SessionOptions {
  /** Full subscription path, `projects/<p>/subscriptions/<s>`. */
  readonly subscription: string;
  /** The subscription's ack deadline: each pulled message is leased for this long, and renewed before it ends. */
  readonly ackDeadlineSeconds: number;
  readonly pullTimeoutMillis?: number;
}

/**
 * Synchronous pull with leases that this process holds until it acknowledges or releases each message.
 *
 * Pub/Sub has no peek: the only way to read a message is to pull it, which leases it for the ack deadline. A
 * session keeps every lease alive (renewing them in the background) so that nothing it read is redelivered to
 * it, or to anyone, while it works; `release` hands messages back at once (`modifyAckDeadline` 0), `ack` removes
 * them for good. `close` releases whatever is still held, so a command that fails half way consumes nothing it
 * did not mean to.
 */
export interface Session {
  /** Pulls up to `max` messages; an empty array means the backlog has been read (or none was ready in time). */
  pull(max: number): Promise<PulledMessage[]>;
  /** Acknowledges: the messages are gone from the subscription. */
  ack(messages: readonly PulledMessage[]): Promise<void>;
  /** Hands messages back for immediate redelivery. */
  release(messages: readonly PulledMessage[]): Promise<void>;
  /** Stops renewing these leases without telling Pub/Sub (for ack ids that a newer delivery replaced). */
  forget(messages: readonly PulledMessage[]): void;
  /** How many messages are held. */
  held(): number;
  /** Releases everything still held and closes the client. */
  close(): Promise<void>;
}

/** Opens a pull session on a subscription, with a gRPC client made from the `PubSub` client's own settings. */
export async function openSession(pubsub: PubSub, options: SessionOptions): Promise<Session> {
  // The client library's documented way to reach the raw API with the same endpoint, emulator and credentials
  // settings (its `port` is typed string | number; gax accepts both).
  const client = new v1.SubscriberClient((await pubsub.getClientConfig()) as ConstructorParameters<typeof v1.SubscriberClient>[0]);
  const { subscription, ackDeadlineSeconds } = options;
  const pullTimeoutMillis = options.pullTimeoutMillis ?? DEAD_LETTER_DEFAULTS.pullTimeoutMillis;
  const leases = new Map<string, number>(); // ackId → when its lease was last set (ms)
  const chunks = (ackIds: readonly string[]): string[][] => {
    const out: string[][] = [];
    for (let i = 0; i < ackIds.length; i += DEAD_LETTER_DEFAULTS.ackIdsPerRequest) out.push(ackIds.slice(i, i + DEAD_LETTER_DEFAULTS.ackIdsPerRequest));
    return out;
  };
  const modify = async (ackIds: readonly string[], seconds: number): Promise<void> => {
    for (const batch of chunks(ackIds)) await client.modifyAckDeadline({ subscription, ackIds: batch, ackDeadlineSeconds: seconds });
  };

  // Renew leases well before they end; a renewal that fails is retried at the next tick, still within the deadline.
  let renewing: Promise<void> | undefined;
  const renewEveryMillis = Math.max(1_000, ackDeadlineSeconds * 1_000 * DEAD_LETTER_DEFAULTS.leaseRenewFraction);
  const timer = setInterval(() => {
    if (renewing || leases.size === 0) return;
    const due = [...leases].filter(([, since]) => Date.now() - since >= renewEveryMillis).map(([ackId]) => ackId);
    if (due.length === 0) return;
    renewing = modify(due, ackDeadlineSeconds)
      .then(() => {
        const now = Date.now();
        for (const ackId of due) if (leases.has(ackId)) leases.set(ackId, now);
      })
      .catch(() => undefined)
      .finally(() => {
        renewing = undefined;
      });
  }, Math.max(250, renewEveryMillis / 4));
  timer.unref();

  const forget = (messages: readonly PulledMessage[]): string[] => {
    const ackIds = messages.map((m) => m.ackId);
    for (const ackId of ackIds) leases.delete(ackId);
    return ackIds;
  };

  return {
    async pull(max) {
      let response;
      try {
        [response] = await client.pull({ subscription, maxMessages: max }, { timeout: pullTimeoutMillis });
      } catch (error) {
        if ((error as { code?: number }).code === DEADLINE_EXCEEDED) return [];
        throw new DeadLetterError(`pulling from ${subscription} failed: ${(error as Error).message}`, { cause: error });
      }
      const now = Date.now();
      const messages = (response.receivedMessages ?? []).map(toPulledMessage);
      for (const message of messages) leases.set(message.ackId, now);
      return messages;
    },
    async ack(messages) {
      const ackIds = forget(messages);
      try {
        for (const batch of chunks(ackIds)) await client.acknowledge({ subscription, ackIds: batch });
      } catch (error) {
        throw new DeadLetterError(`acknowledging ${ackIds.length} message(s) on ${subscription} failed: ${(error as Error).message}`, { cause: error });
      }
    },
    async release(messages) {
      const ackIds = forget(messages);
      // Best effort: a lease that is not handed back ends by itself within the ack deadline.
      await modify(ackIds, 0).catch(() => undefined);
    },
    forget(messages) {
      forget(messages);
    },
    held: () => leases.size,
    async close() {
      clearInterval(timer);
      await renewing;
      const remaining = [...leases.keys()];
      leases.clear();
      await modify(remaining, 0).catch(() => undefined);
      await client.close();
    },
  };
}
