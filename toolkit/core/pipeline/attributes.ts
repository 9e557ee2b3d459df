/**
 * The toolkit's own message attributes: identity, tracing, claim check, ordering, replay and dead-letter reasons.
 *
 * Attribute keys are part of a pipeline's contract (subscriptions filter on them). The toolkit's live here and
 * toolkit code refers to `ATTR.correlationId`, never to the string; a pipeline's own attributes (language,
 * sentiment, ...) are declared by its definition: publishers' in `attributes`, each stage's in its `sets`.
 */
export const ATTR = {
  /** Kept through every stage; publisher-given, otherwise the ingress messageId. Appears on results and dead letters. */
  correlationId: 'correlationId',
  /**
   * Publisher-given deduplication key: two publishes with the same key within the window are one request. When
   * absent, each publish is a request of its own (or, with the pipeline's `contentDeduplication`, each distinct
   * content); see `requestKey`.
   */
  idempotencyKey: 'idempotencyKey',
  /**
   * The request's identity, fixed by the first stage that receives it (`key:<idempotencyKey>`,
   * `message:<ingress messageId>` or `content:<hash>@<ingress messageId>`) and carried on every hop like
   * `correlationId`. Every stage deduplicates on it plus its own name, never on its own input's bytes.
   */
  requestKey: 'requestKey',
  /** W3C trace context, carried so Cloud Logging and Cloud Trace can join the hops of one message. */
  traceparent: 'traceparent',
  /**
   * The same W3C trace context under the key `@google-cloud/pubsub` (4.7+, `enableOpenTelemetryTracing: true`)
   * injects and reads, so that publishers and consumers written with the official client join the trace.
   */
  googclientTraceparent: 'googclient_traceparent',
  /**
   * When the request entered the pipeline (RFC 3339): the ingress message's publish time, set by the first stage and
   * carried on, so every stage can log the end-to-end latency so far.
   */
  ingressTime: 'ingressTime',
  /** Name of the stage that produced the message. */
  stage: 'stage',
  /** Reference (claim check) to a payload stored in Cloud Storage instead of in the message. */
  claimCheck: 'claimCheck',
  /**
   * The message's ordering key, repeated as an attribute and carried through every stage: the emulator's push
   * body has no `orderingKey`, so locally the runtime restores the key from here.
   */
  orderingKey: 'orderingKey',
  /**
   * How many times `aipipe dlq replay` has republished this message (1, 2, ...). Part of the deduplication key, so
   * a replay is not mistaken for the failed attempt the stage already recorded as completed.
   */
  replayCount: 'replayCount',
  /** Dead letters: machine-readable reason code (see `ErrorCode`). */
  dlqReason: 'dlqReason',
  /** Dead letters: human-readable error message, cut to fit Pub/Sub's attribute value limit. */
  dlqError: 'dlqError',
  /** Dead letters: the stage that gave up on the message. */
  dlqStage: 'dlqStage',
  /** Dead letters: the subscription the message was delivered through. */
  dlqSubscription: 'dlqSubscription',
  /** Dead letters: the topic the message was originally published to (the replay target). */
  dlqSourceTopic: 'dlqSourceTopic',
  /** Dead letters: the messageId of the message as it was delivered to the stage. */
  dlqSourceMessageId: 'dlqSourceMessageId',
  /** Dead letters: ordering key of the original message, which the dead-lettered copy cannot carry as such. */
  dlqOrderingKey: 'dlqOrderingKey',
  /** Dead letters: when the stage dead-lettered it (RFC 3339). */
  dlqTime: 'dlqTime',
  /** Dead letters: how many original attributes had to be dropped to make room for the reason. */
  dlqDroppedAttributes: 'dlqDroppedAttributes',
} as const;

/** One of the pipeline's attribute keys. */
export type AttributeKey = (typeof ATTR)[keyof typeof ATTR];

/** Every attribute key the pipeline knows, for validating filters against typos. */
export const ATTRIBUTE_KEYS: readonly AttributeKey[] = Object.values(ATTR);

/** Attributes that describe why a message was dead-lettered; stripped again when it is replayed. */
export const DEAD_LETTER_ATTRIBUTE_KEYS: readonly AttributeKey[] = [
  ATTR.dlqReason,
  ATTR.dlqError,
  ATTR.dlqStage,
  ATTR.dlqSubscription,
  ATTR.dlqSourceTopic,
  ATTR.dlqSourceMessageId,
  ATTR.dlqOrderingKey,
  ATTR.dlqTime,
  ATTR.dlqDroppedAttributes,
];

/**
 * Attributes Pub/Sub itself adds to a message it dead-letters after `maxDeliveryAttempts` (measured on the
 * emulator and documented for Google Cloud). Not ours to set, but ours to read and to strip on replay.
 */
export const PUBSUB_DEAD_LETTER_ATTR = {
  deliveryCount: 'CloudPubSubDeadLetterSourceDeliveryCount',
  subscription: 'CloudPubSubDeadLetterSourceSubscription',
  subscriptionProject: 'CloudPubSubDeadLetterSourceSubscriptionProject',
  topicPublishTime: 'CloudPubSubDeadLetterSourceTopicPublishTime',
} as const;

/** Attributes that are never carried from a stage's input to its output. */
export const NON_CARRIED_ATTRIBUTE_KEYS: readonly string[] = [
  ...DEAD_LETTER_ATTRIBUTE_KEYS,
  ...Object.values(PUBSUB_DEAD_LETTER_ATTR),
];
