/**
 * Every default of the pipeline, in one place, each with its reason.
 */
export const DEFAULTS = {
  /** 14 days, as SQS queues retain messages at most; Pub/Sub allows up to 31. */
  topicMessageRetentionDuration: '1209600s',
  /**
   * Subscriptions keep unacknowledged messages as long as Pub/Sub allows a subscription to (7 days), so an outage
   * of a stage loses nothing; the topics' longer retention allows seeking back further.
   */
  subscriptionMessageRetentionDuration: '604800s',
  /** 30 s, SQS's default visibility timeout; a stage's timeout and ack deadline start there. */
  timeoutSeconds: 30,
  /** First retry after 10 s: long enough for a transient dependency to recover, short enough to stay interactive. */
  minimumBackoff: '10s',
  /** Pub/Sub's maximum backoff; with 10 attempts a message is retried for roughly half an hour. */
  maximumBackoff: '600s',
  /** 10, a common SQS dead-letter max receive count: enough for transient faults, few for a poison message. */
  maxDeliveryAttempts: 10,
  /** Ordering costs throughput; stages opt in. */
  enableMessageOrdering: false,
  /** Enough for the wasm/JS models here; raise per stage for heavier models. */
  availableMemory: '512Mi',
  availableCpu: '1',
  /** Concurrent requests share one loaded model per instance. */
  maxInstanceRequestConcurrency: 8,
  /** Scale to zero: you pay only for messages. */
  minInstanceCount: 0,
  /** A ceiling on spend and on downstream load. */
  maxInstanceCount: 10,
} as const;

/** Limits imposed by Google Cloud, enforced by the compiler because the emulator does not enforce them. */
export const PUBSUB_LIMITS = {
  ackDeadlineSeconds: { min: 10, max: 600 },
  maxDeliveryAttempts: { min: 5, max: 100 },
  backoffSeconds: { min: 0, max: 600 },
  /** Topics: 10 minutes .. 31 days. */
  topicMessageRetentionSeconds: { min: 600, max: 2678400 },
  /** Subscriptions: 10 minutes .. 7 days. */
  subscriptionMessageRetentionSeconds: { min: 600, max: 604800 },
  filterBytes: 256,
  attributeKeyBytes: 256,
  attributeValueBytes: 1024,
  attributesPerMessage: 100,
  messageBytes: 10 * 1024 * 1024,
  orderingKeyBytes: 1024,
} as const;

/** Cloud Functions (2nd gen) limits on what a stage may ask for. */
export const FUNCTION_LIMITS = {
  /** Event-driven functions time out after at most 540 s; push-fed HTTP functions are capped by the ack deadline. */
  timeoutSeconds: { min: 1, max: 540 },
  maxInstanceRequestConcurrency: { min: 1, max: 1000 },
} as const;
