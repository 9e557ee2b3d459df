import type { PubSub, Subscription } from '@google-cloud/pubsub';
import type { WorkerConfig } from './config';

/** Options of `openPullSource`. */
export interface PullSourceOptions {
  /** Flow control and streams. */
  readonly config: Pick<WorkerConfig, 'maxMessages' | 'maxBytes' | 'streams'>;
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
  return pubsub.subscription(subscriptionName, {
    flowControl: { maxMessages: options.config.maxMessages, maxBytes: options.config.maxBytes, allowExcessMessages: false },
    streamingOptions: { maxStreams: options.config.streams },
  });
}

