import { ATTR, NON_CARRIED_ATTRIBUTE_KEYS, PUBSUB_DEAD_LETTER_ATTR } from '../pipeline/attributes';
import type { CompiledTopic, CompiledTopology } from '../pipeline/topology';
import type { OutgoingMessage } from '../runtime/limits';
import type { PulledMessage } from './pulled-message';

/**
 * Reason code of a dead letter that Pub/Sub moved itself after `maxDeliveryAttempts` failed deliveries (it has
 * `CloudPubSubDeadLetterSourceDeliveryCount` and no `dlqReason`).
 */
export const RETRIES_EXHAUSTED = 'RETRIES_EXHAUSTED';
/** Reason code of a message on the dead-letter topic that neither the runtime nor Pub/Sub put there. */
export const UNKNOWN_REASON = 'UNKNOWN';

/** A dead letter, described: why, where, when, and where a replay would send it. */
export interface DeadLetter {
  /** The dead letter's own messageId in the dead-letter subscription (what `dlq replay --id` selects). */
  readonly messageId: string;
  /** `dlqReason` (an `ErrorCode`), `RETRIES_EXHAUSTED`, or `UNKNOWN`. */
  readonly reason: string;
  /** `dlqError`: what went wrong, as the stage said it. */
  readonly error?: string;
  /** The stage that gave up on the message. */
  readonly stage?: string;
  /** Deliveries Pub/Sub made before dead-lettering it; unknown for messages a stage dead-lettered itself. */
  readonly attempts?: number;
  /** When it was dead-lettered: `dlqTime`, else when Pub/Sub published the dead-lettered copy. */
  readonly deadLetteredAt: string;
  /** When the original was published, where Pub/Sub recorded it (`CloudPubSubDeadLetterSourceTopicPublishTime`). */
  readonly originallyPublishedAt?: string;
  readonly correlationId?: string;
  /** messageId of the message as the stage received it (`dlqSourceMessageId`). */
  readonly sourceMessageId?: string;
  /** Subscription it was delivered through (`dlqSubscription` or `CloudPubSubDeadLetterSourceSubscription`). */
  readonly sourceSubscription?: string;
  /** Topic a replay sends it to; absent when it cannot be worked out (see `replayProblem`). */
  readonly replayTopic?: string;
  /** Why it cannot be replayed; absent when it can. */
  readonly replayProblem?: string;
  readonly orderingKey?: string;
  /** How often it has been replayed before (0 for a first failure). */
  readonly replayCount: number;
  readonly attributes: Readonly<Record<string, string>>;
  readonly data: Buffer;
  /** The pulled message this describes (ack id, publish time, sort key). */
  readonly pulled: PulledMessage;
}

/** Where a replay goes: a topic of the pipeline, or the reason there is none. */
export type ReplayTarget = { readonly topic: CompiledTopic; readonly via: 'dlqSourceTopic' | 'subscription' } | { readonly problem: string };

const positiveInt = (value: string | undefined): number | undefined => (value && /^\d+$/.test(value) ? Number(value) : undefined);

/** `projects/p/subscriptions/s` or `s` → `s`. */
function subscriptionName(value: string): string {
  const match = /(?:^|\/)subscriptions\/([^/]+)$/.exec(value);
  return match ? (match[1] as string) : value;
}

/**
 * The topic a dead letter came from, which is where a replay sends it: the `dlqSourceTopic` the runtime recorded,
 * else the topic of the subscription Pub/Sub recorded in `CloudPubSubDeadLetterSourceSubscription`, looked up
 * in the compiled topology. Only topics a stage of this pipeline consumes are accepted: a replay must never
 * publish somewhere else (another environment's topic, a results topic).
 */
export function replayTarget(attributes: Readonly<Record<string, string>>, topology: CompiledTopology): ReplayTarget {
  const consumed = new Set(Object.values(topology.stages).map((stage) => stage.consumes));
  const known = Object.values(topology.topics).filter((topic) => consumed.has(topic.key));
  const recordedTopic = attributes[ATTR.dlqSourceTopic];
  if (recordedTopic) {
    const name = recordedTopic.replace(/^projects\/[^/]+\/topics\//, '');
    const topic = known.find((t) => t.name === name);
    if (topic) return { topic, via: 'dlqSourceTopic' };
    return { problem: `its ${ATTR.dlqSourceTopic} "${recordedTopic}" is not a topic a stage of this pipeline consumes (${known.map((t) => t.name).join(', ')}); was it dead-lettered in another environment?` };
  }
  const recordedSubscription = attributes[PUBSUB_DEAD_LETTER_ATTR.subscription];
  if (recordedSubscription) {
    const name = subscriptionName(recordedSubscription);
    const subscription = Object.values(topology.subscriptions).find((s) => s.name === name);
    const topic = subscription ? known.find((t) => t.key === subscription.topic) : undefined;
    if (topic) return { topic, via: 'subscription' };
    return { problem: `its ${PUBSUB_DEAD_LETTER_ATTR.subscription} "${recordedSubscription}" is not a stage subscription of this pipeline` };
  }
  return { problem: `it has neither ${ATTR.dlqSourceTopic} nor ${PUBSUB_DEAD_LETTER_ATTR.subscription}, so its source topic is unknown` };
}

/** Describes a pulled dead letter: reason, stage, attempts, times, and where a replay would send it. */
export function describeDeadLetter(pulled: PulledMessage, topology: CompiledTopology): DeadLetter {
  const a = pulled.attributes;
  const deliveryCount = positiveInt(a[PUBSUB_DEAD_LETTER_ATTR.deliveryCount]);
  const reason = a[ATTR.dlqReason] || (deliveryCount !== undefined ? RETRIES_EXHAUSTED : UNKNOWN_REASON);
  const sourceSubscription = a[ATTR.dlqSubscription] || a[PUBSUB_DEAD_LETTER_ATTR.subscription];
  const stage = a[ATTR.dlqStage] || (sourceSubscription ? Object.values(topology.subscriptions).find((s) => s.name === subscriptionName(sourceSubscription))?.stage : undefined);
  const target = replayTarget(a, topology);
  const deadLetteredAt = a[ATTR.dlqTime] && !Number.isNaN(Date.parse(a[ATTR.dlqTime])) ? a[ATTR.dlqTime] : pulled.publishTime;
  const orderingKey = a[ATTR.dlqOrderingKey] || pulled.orderingKey || a[ATTR.orderingKey] || undefined;
  return {
    messageId: pulled.messageId,
    reason,
    deadLetteredAt,
    ...definedOnly({
      error: a[ATTR.dlqError],
      stage,
      attempts: deliveryCount,
      originallyPublishedAt: a[PUBSUB_DEAD_LETTER_ATTR.topicPublishTime],
      correlationId: a[ATTR.correlationId],
      sourceMessageId: a[ATTR.dlqSourceMessageId],
      sourceSubscription,
      replayTopic: 'topic' in target ? target.topic.name : undefined,
      replayProblem: 'problem' in target ? target.problem : undefined,
      orderingKey,
    }),
    replayCount: positiveInt(a[ATTR.replayCount]) ?? 0,
    attributes: a,
    data: pulled.data,
    pulled,
  };
}

/** The fields that have a value: absent ones stay absent rather than `undefined` (clean JSON, clean equality). */
function definedOnly<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined | ''> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== '')) as { [K in keyof T]?: Exclude<T[K], undefined | ''> };
}

/**
 * The message a replay publishes: the original data, the original attributes without the dead-letter
 * bookkeeping (`dlq*`, `CloudPubSubDeadLetter*`), the original ordering key, and `replayCount` one higher. The
 * new generation gives the replay a fresh deduplication key (see `idempotencyKey`) while `correlationId` stays.
 */
export function replayMessage(deadLetter: DeadLetter): OutgoingMessage {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(deadLetter.attributes)) {
    if (!NON_CARRIED_ATTRIBUTE_KEYS.includes(key)) attributes[key] = value;
  }
  attributes[ATTR.replayCount] = String(deadLetter.replayCount + 1);
  // A message Pub/Sub dead-lettered at its first hop never got a request key: give it one that is the same for
  // every replay of this dead letter, so a replay republished twice is still one request (a publisher key does
  // that already).
  if (!attributes[ATTR.requestKey] && !attributes[ATTR.idempotencyKey]) attributes[ATTR.requestKey] = `message:${deadLetter.sourceMessageId ?? deadLetter.messageId}`;
  return { data: deadLetter.data, attributes, ...(deadLetter.orderingKey ? { orderingKey: deadLetter.orderingKey } : {}) };
}
