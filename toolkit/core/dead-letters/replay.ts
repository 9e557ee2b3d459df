import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { CompiledTopology } from '../pipeline/topology';
import { limitProblems } from '../runtime/limits';
import { createMicroBatcher } from '../runtime/micro-batcher';
import { DEAD_LETTER_DEFAULTS } from './defaults';
import { DeadLetterError } from './errors';
import { createRateLimiter, type Clock } from './rate-limit';
import { deadLetterSubscription, scanSubscription } from './scan';
import { compileSelection, selectsAll, type Selection } from './selection';
import { openSession } from './session';
import { describeDeadLetter, replayMessage, type DeadLetter } from './source';
import type { PulledMessage } from './pulled-message';

/** Options of `replayDeadLetters`. */
export interface ReplayOptions {
  /** Which dead letters to replay. An empty selection needs `all: true`, so nothing is replayed by accident. */
  readonly selection?: Selection;
  readonly all?: boolean;
  /** Work out and report what would be replayed; publish, acknowledge and change nothing. */
  readonly dryRun?: boolean;
  /** At most this many republishes a second; unlimited when absent. */
  readonly ratePerSecond?: number;
  readonly scanMax?: number;
  readonly pullTimeoutMillis?: number;
  /** Called after each selected dead letter has been dealt with. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly clock?: Clock;
}

/** What happened to one selected dead letter. */
export interface ReplayItem {
  /** The dead letter's messageId. */
  readonly messageId: string;
  readonly correlationId?: string;
  readonly reason: string;
  readonly stage?: string;
  /** Topic it was (or would be) republished to. */
  readonly topic?: string;
  /**
   * `replayed`: republished and removed from the dead letters; `would-replay`: dry run; `skipped`: cannot be
   * replayed (no known source topic, over a limit), left in place; `failed`: the republish failed, left in place.
   */
  readonly status: 'replayed' | 'would-replay' | 'skipped' | 'failed';
  /** messageId of the republished message. */
  readonly replayMessageId?: string;
  readonly replayCount?: number;
  readonly error?: string;
}

/** The outcome of a replay, as `dlq replay` prints it. */
export interface ReplaySummary {
  readonly subscription: string;
  readonly dryRun: boolean;
  /** Messages read from the dead-letter subscription. */
  readonly scanned: number;
  /** True when `scanMax` was reached: dead letters beyond it were not considered. */
  readonly truncated: boolean;
  readonly selected: number;
  readonly replayed: number;
  /** Dry run: how many would have been replayed. */
  readonly wouldReplay: number;
  readonly skipped: number;
  readonly failed: number;
  readonly items: readonly ReplayItem[];
}

/**
 * Redrives dead letters: republishes each selected one to the topic it came from (see `replayTarget`) with its
 * original data, attributes (without the dead-letter bookkeeping), ordering key and `replayCount` one higher,
 * and acknowledges the dead letter only once Pub/Sub has confirmed the republish. Oldest first, so messages of
 * one ordering key go back in the order they failed. A dead letter whose republish fails, or that cannot be
 * replayed, stays in the subscription; so does everything not selected (read, held, and handed back untouched).
 */
export async function replayDeadLetters(pubsub: PubSub, topology: CompiledTopology, options: ReplayOptions = {}): Promise<ReplaySummary> {
  const selection = options.selection ?? {};
  if (selectsAll(selection) && !options.all) {
    throw new DeadLetterError('no dead letters selected: give ids, reasons, stages or a filter, or ask for all of them explicitly');
  }
  const selected = compileSelection(selection);
  const takeSlot = createRateLimiter(options.ratePerSecond, options.clock);
  const subscription = deadLetterSubscription(topology);
  const session = await openSession(pubsub, { subscription: subscription.path, ackDeadlineSeconds: subscription.ackDeadlineSeconds, pullTimeoutMillis: options.pullTimeoutMillis });
  // Acknowledgements of replayed dead letters share requests (one per message would be the bottleneck).
  const acks = createMicroBatcher<PulledMessage, void>(
    async (messages) => {
      await session.ack(messages);
      return messages.map(() => ({ ok: true as const, value: undefined }));
    },
    { maxBatchSize: DEAD_LETTER_DEFAULTS.ackIdsPerRequest, maxWaitMillis: 10 },
  );
  const topics = new Map<string, Topic>();
  const topicFor = (name: string): Topic => {
    let topic = topics.get(name);
    if (!topic) {
      topic = pubsub.topic(name, { messageOrdering: true });
      topics.set(name, topic);
    }
    return topic;
  };
  try {
    const scan = await scanSubscription(session, options.scanMax);
    const chosen = scan.messages.map((message) => describeDeadLetter(message, topology)).filter(selected);
    const items: ReplayItem[] = new Array<ReplayItem>(chosen.length);
    let done = 0;
    const finish = (index: number, item: ReplayItem): void => {
      items[index] = item;
      done += 1;
      options.onProgress?.(done, chosen.length);
    };

    const inFlight = new Set<Promise<void>>();
    for (const [index, deadLetter] of chosen.entries()) {
      const base = itemBase(deadLetter);
      const message = replayMessage(deadLetter);
      const problems = limitProblems(message);
      if (!deadLetter.replayTopic || problems.length > 0) {
        finish(index, { ...base, status: 'skipped', error: deadLetter.replayProblem ? `cannot replay: ${deadLetter.replayProblem}` : `cannot replay: ${problems.join('; ')}` });
        continue;
      }
      const topicName = deadLetter.replayTopic;
      const replayCount = deadLetter.replayCount + 1;
      if (options.dryRun) {
        finish(index, { ...base, topic: topicName, replayCount, status: 'would-replay' });
        continue;
      }
      await takeSlot();
      while (inFlight.size >= DEAD_LETTER_DEFAULTS.replayInFlight) await Promise.race(inFlight);
      // Started in order, so the client keeps the order of each ordering key; awaited before acknowledging.
      const topic = topicFor(topicName);
      const publishing = topic.publishMessage({ data: message.data, attributes: { ...message.attributes }, ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}) });
      const task = (async () => {
        let replayMessageId: string;
        try {
          replayMessageId = await publishing;
        } catch (error) {
          // A failed publish pauses its ordering key; resume it so later dead letters of that key can go.
          if (message.orderingKey) topic.resumePublishing(message.orderingKey);
          await session.release([deadLetter.pulled]);
          finish(index, { ...base, topic: topicName, status: 'failed', error: `republishing to ${topicName} failed: ${(error as Error).message}` });
          return;
        }
        try {
          await acks.submit(deadLetter.pulled);
          finish(index, { ...base, topic: topicName, replayCount, status: 'replayed', replayMessageId });
        } catch (error) {
          // Republished but still a dead letter: replaying it again gives the same replayCount, which stages
          // deduplicate, so this is reported rather than undone.
          finish(index, { ...base, topic: topicName, replayCount, status: 'replayed', replayMessageId, error: (error as Error).message });
        }
      })();
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    }
    await Promise.all(inFlight);
    const count = (status: ReplayItem['status']): number => items.filter((item) => item.status === status).length;
    return {
      subscription: subscription.name,
      dryRun: Boolean(options.dryRun),
      scanned: scan.messages.length,
      truncated: scan.truncated,
      selected: chosen.length,
      replayed: count('replayed'),
      wouldReplay: count('would-replay'),
      skipped: count('skipped'),
      failed: count('failed'),
      items,
    };
  } finally {
    // Everything not acknowledged above (not selected, skipped, failed, or a dry run) goes back untouched.
    await session.close();
    await Promise.all([...topics.values()].map((topic) => topic.flush().catch(() => undefined)));
  }
}

function itemBase(deadLetter: DeadLetter): Pick<ReplayItem, 'messageId' | 'correlationId' | 'reason' | 'stage'> {
  return {
    messageId: deadLetter.messageId,
    reason: deadLetter.reason,
    ...(deadLetter.correlationId ? { correlationId: deadLetter.correlationId } : {}),
    ...(deadLetter.stage ? { stage: deadLetter.stage } : {}),
  };
}
