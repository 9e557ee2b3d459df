import { Duration, type PubSub, type Subscription } from '@google-cloud/pubsub';
import type { WorkerConfig } from './config';

/** Options of `openPullSource`. */
export interface PullSourceOptions {
  /** Flow control and streams. */
  readonly config: Pick<WorkerConfig, 'maxMessages' | 'maxBytes' | 'streams'>;
  /** Lease management of received messages; the client library's defaults when absent. */
  readonly ackDeadline?: {
    /**
     * The longest deadline one extension asks for (10..600 s): the stage's timeout. Short enough that what a dead
     * worker held comes back soon after it died; the subscriber keeps extending while the worker lives.
     */
    readonly maxAckDeadlineSeconds: number;
    /** How long in all the subscriber keeps extending a message's deadline (processing plus any hold). */
    readonly maxExtensionSeconds: number;
  };
}

/**
 * A streaming-pull subscription with the worker's flow control, as a `PullSource` for `startPullWorker`.
 * `allowExcessMessages: false` makes the limits strict: the client otherwise dispatches a whole server response
 * even past them (the emulator does not honour the limits the client sends it). `close()` keeps the library's
 * default behaviour, nacking whatever is unsettled: the worker calls it only once its in-flight messages are
 * settled. (The alternative, `closeOptions.behavior: WAIT`, waits for messages held back by flow control that it
 * will never dispatch once the stream is closed, so every stop would take the whole timeout.)
 */
export function openPullSource(pubsub: PubSub, subscriptionName: string, options: PullSourceOptions): Subscription {
  const lease = options.ackDeadline;
  return pubsub.subscription(subscriptionName, {
    flowControl: { maxMessages: options.config.maxMessages, maxBytes: options.config.maxBytes, allowExcessMessages: false },
    streamingOptions: { maxStreams: options.config.streams },
    ...(lease
      ? {
          // Pub/Sub accepts ack deadlines of 10..600 s.
          maxAckDeadline: Duration.from({ seconds: Math.min(600, Math.max(10, lease.maxAckDeadlineSeconds)) }),
          maxExtensionTime: Duration.from({ seconds: lease.maxExtensionSeconds }),
        }
      : {}),
  });
}

