import type { Outcome } from '../runtime/outcome';
import type { ReceivedMessage } from '../runtime/received-message';
import { logProcessed } from '../runtime/stage-handler';
import type { Processed, StageProcessor } from '../runtime/stage-processor';

/** What the worker tells Pub/Sub about a message once it is done with it. */
export type Settlement = 'ack' | 'nack';

/**
 * The pull counterpart of `STATUS_FOR_OUTCOME`: acknowledge once the result (or the dead letter) is published,
 * a duplicate is recognised or the filter excludes the message; nack a retry, so Pub/Sub redelivers it with the
 * subscription's backoff and dead-letters it after `maxDeliveryAttempts`. A record, so that a new outcome does
 * not compile until it is mapped here.
 */
export const SETTLEMENT_FOR_OUTCOME: Readonly<Record<Outcome, Settlement>> = {
  published: 'ack',
  duplicate: 'ack',
  filtered: 'ack',
  'dead-lettered': 'ack',
  retry: 'nack',
};

/** The part of a streamed Pub/Sub message the worker reads; `@google-cloud/pubsub`'s `Message` satisfies it. */
export interface PulledMessage {
  readonly id: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  /** Publish time (the client's `PreciseDate`, a `Date`). */
  readonly publishTime?: Date;
  /** `''` when the message has none. */
  readonly orderingKey?: string;
  /** Set when the subscription has a dead-letter policy (also on the emulator for pull). */
  readonly deliveryAttempt?: number;
  ack(): void;
  nack(): void;
}

/** The part of a streaming-pull subscription the worker uses; `@google-cloud/pubsub`'s `Subscription` satisfies it. */
export interface PullSource {
  on(event: 'message', listener: (message: PulledMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event: 'message' | 'error'): unknown;
  /** Closes the stream, nacks every received message not yet settled, and flushes pending acks. */
  close(): Promise<void>;
}

/**
 * Counts per outcome, for the stop summary and tests; `held` counts how often a message was kept until another
 * delivery's lease ended.
 */
export type WorkerCounts = Record<Outcome | 'failed' | 'held', number>;

/** Past the end of another delivery's lease before a held message is processed again (clock granularity). */
const HOLD_MARGIN_MILLIS = 250;

/** A running pull worker. */
export interface PullWorker {
  /** Outcomes so far; `failed` counts messages whose processing threw (nacked; the processor never should). */
  readonly counts: Readonly<WorkerCounts>;
  /** Messages being processed right now. */
  inFlight(): number;
  /** Resolves when the worker has stopped, by `stop()` or because the subscription failed (then it rejects). */
  readonly done: Promise<void>;
  /**
   * Graceful stop: take no new message, let every in-flight message finish and be settled (for at most the drain
   * timeout), then close the subscription, which hands back what was received meanwhile. Safe to call more than
   * once.
   */
  stop(): Promise<void>;
}

/** Options of `startPullWorker`. */
export interface PullWorkerOptions {
  /** Full subscription path, recorded on dead letters as their source. */
  readonly subscriptionPath: string;
  /** Topic path the subscription is attached to. */
  readonly topicPath: string;
  /** Google Cloud project, for the trace fields of the log lines. */
  readonly project: string;
  /** How long `stop()` waits for in-flight messages before it closes anyway (they are then redelivered). */
  readonly drainTimeoutMillis: number;
  /** Clock for the latency in log lines. */
  readonly nowMillis?: () => number;
  /**
   * The longest the worker keeps a message whose claim another delivery holds (answered `IN_PROGRESS` with the
   * end of that delivery's lease) before it processes it again; longer holds are nacked at once. The subscriber
   * extends the message's ack deadline meanwhile. 0 (the default) nacks every retry at once.
   */
  readonly maxHoldMillis?: number;
  /** Wall clock against which `Processed.retryNotBefore` is compared; `Date.now` by default. */
  readonly wallClockMillis?: () => number;
  /** Waits; `setTimeout` by default (injected by tests). */
  readonly sleep?: (millis: number) => Promise<void>;
}

/** A streamed message as the stage processor receives it, whatever the transport. */
export function toReceivedMessage(message: PulledMessage, options: Pick<PullWorkerOptions, 'subscriptionPath' | 'topicPath'>): ReceivedMessage {
  return {
    data: message.data,
    attributes: { ...message.attributes },
    messageId: message.id,
    publishTime: message.publishTime?.toISOString(),
    orderingKey: message.orderingKey || undefined,
    subscription: options.subscriptionPath,
    deliveryAttempt: message.deliveryAttempt || undefined,
    topic: options.topicPath,
  };
}

/**
 * Runs a stage processor on a streaming-pull subscription. Every message is processed by the one shared
 * `createStageProcessor` (filter, idempotency, decode, handler, awaited publish, error mapping) and settled only
 * after that: acked once its result or dead letter is published, nacked on retry. How many are processed at once
 * is the subscription's flow control (`maxMessages`, `maxBytes`), which is what lets a batching stage batch
 * across messages.
 */
export function startPullWorker(processor: StageProcessor, source: PullSource, options: PullWorkerOptions): PullWorker {
  const counts: WorkerCounts = { published: 0, duplicate: 0, filtered: 0, 'dead-lettered': 0, retry: 0, failed: 0, held: 0 };
  const inFlight = new Set<Promise<void>>();
  /** Received after `stop()` began: neither processed nor settled until the source is closed. */
  const held: PulledMessage[] = [];
  const nowMillis = options.nowMillis ?? (() => performance.now());
  const wallClockMillis = options.wallClockMillis ?? Date.now;
  const sleep = options.sleep ?? ((millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis)));
  const maxHoldMillis = options.maxHoldMillis ?? 0;
  /** How long to keep a message before processing it again, or undefined to settle it now. */
  const holdMillis = (processed: Processed): number | undefined => {
    if (processed.outcome !== 'retry' || !processed.retryNotBefore) return undefined;
    // A little past the lease, so that the claim is certainly claimable when the message is processed again.
    const wait = processed.retryNotBefore.getTime() - wallClockMillis() + HOLD_MARGIN_MILLIS;
    return wait <= maxHoldMillis ? Math.max(wait, 0) : undefined;
  };
  let stopping: Promise<void> | undefined;
  let failure: Error | undefined;
  let settleDone: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settleDone = { resolve, reject };
  });
  // Whoever runs the worker awaits `done`; a worker nobody awaits must not crash the process with its failure.
  done.catch(() => undefined);

  const handle = async (pulled: PulledMessage): Promise<void> => {
    const started = nowMillis();
    const message = toReceivedMessage(pulled, options);
    let processed: Processed | undefined;
    try {
      processed = await processor.process(message);
      // The claim is held by another delivery, most likely of a worker that died with it (its lease still runs):
      // a nack would bring the message straight back (the emulator about once a second), burning a delivery
      // attempt each time until Pub/Sub dead-letters it. Keep it instead, its ack deadline extended by the
      // subscriber, and process it again once that lease has ended.
      for (let waitMillis = holdMillis(processed); waitMillis !== undefined && !stopping; waitMillis = holdMillis(processed)) {
        counts.held += 1;
        processor.logger.info(`holding ${message.messageId} for ${Math.round(waitMillis)} ms: another delivery holds its claim`, {
          messageId: message.messageId,
          outcome: 'held',
          holdMillis: Math.round(waitMillis),
          ...processed.fields,
        });
        await sleep(waitMillis);
        processed = await processor.process(message);
      }
    } catch (error) {
      // `process` maps every failure to an outcome; if it throws anyway, redeliver rather than lose the message.
      counts.failed += 1;
      processor.logger.error(`processing ${message.messageId} failed unexpectedly: ${String(error)}`, { messageId: message.messageId, outcome: 'retry', error });
      pulled.nack();
      return;
    }
    counts[processed.outcome] += 1;
    logProcessed(processor, options.project, message, processed, nowMillis() - started);
    if (SETTLEMENT_FOR_OUTCOME[processed.outcome] === 'ack') pulled.ack();
    else pulled.nack();
  };

  const onMessage = (pulled: PulledMessage): void => {
    if (stopping) {
      // Not nacked now: while the stream is open a nack comes straight back (and burns a delivery attempt each
      // time). Held, it counts against flow control, which pauses the stream; closing hands it back once.
      held.push(pulled);
      return;
    }
    const work = handle(pulled).finally(() => inFlight.delete(work));
    inFlight.add(work);
  };

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Finish and settle what is in flight first: closing first would make the client nack those messages
      // under our feet (the library's close nacks everything unsettled), and finished work would be redone.
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        Promise.allSettled([...inFlight]).then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), options.drainTimeoutMillis))),
      ]);
      clearTimeout(timer);
      if (!drained) {
        processor.logger.warn(`stopping with ${inFlight.size} messages still in flight after ${options.drainTimeoutMillis} ms; Pub/Sub redelivers them`, { inFlight: inFlight.size });
      }
      await source.close();
      // The client nacked these on close; settling again is a no-op there and needed for sources that do not.
      for (const message of held.splice(0)) message.nack();
      source.removeAllListeners('message');
      if (failure) settleDone?.reject(failure);
      else settleDone?.resolve();
    })();
    return stopping;
  };

  source.on('message', onMessage);
  source.on('error', (error) => {
    processor.logger.error(`subscription ${options.subscriptionPath} failed: ${error.message}`, { subscription: options.subscriptionPath, error });
    // The client retries transient stream errors itself; what reaches here (a missing subscription, no permission)
    // will not heal: stop, so that the process exits and its supervisor restarts or alerts.
    failure ??= error;
    void stop();
  });

  return { counts, inFlight: () => inFlight.size, done, stop };
}
