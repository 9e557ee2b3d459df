/**
 * The shape of a pipeline definition: plain data, no SDK or cdktf imports.
 *
 * Field names reuse the Google API's names and units (`ackDeadlineSeconds`, `maxDeliveryAttempts`,
 * `messageRetentionDuration` as a duration string like `"1209600s"`) so that they map one to one onto the
 * Pub/Sub API, the Terraform provider and the Cloud Functions API.
 */

/** A Google API duration string in seconds, e.g. `"600s"` (the form the Pub/Sub API and Terraform use). */
export type DurationString = `${number}s`;

/** A Pub/Sub topic. */
export interface TopicSpec {
  /** Base resource name; `compileTopology` adds the environment prefix. */
  readonly name: string;
  readonly description: string;
  /**
   * A topic whose messages leave the pipeline (results, dead letters). Every other topic must be consumed by a
   * stage, or what is published to it is dropped.
   */
  readonly terminal?: boolean;
  /** How long the topic keeps messages for seek/replay; defaults to `DEFAULTS.topicMessageRetentionDuration`. */
  readonly messageRetentionDuration?: DurationString;
}

/** Retry, dead-letter and delivery settings of a subscription, named as the Pub/Sub API names them. */
export interface SubscriptionSettings {
  /** For push, this is also the request timeout. Must be at least the stage's `timeoutSeconds`. 10..600. */
  readonly ackDeadlineSeconds?: number;
  /** Retry backoff lower bound, 0..600 s. */
  readonly minimumBackoff?: DurationString;
  /** Retry backoff upper bound, 0..600 s. */
  readonly maximumBackoff?: DurationString;
  /** Deliveries before Pub/Sub moves a message to the dead-letter topic, 5..100. */
  readonly maxDeliveryAttempts?: number;
  /** Deliver messages with the same ordering key in order. Fixed at creation. */
  readonly enableMessageOrdering?: boolean;
  /** How long unacknowledged messages are kept, 10 min..7 days. */
  readonly messageRetentionDuration?: DurationString;
}

/**
 * Where a stage sends its result. Routes are tried in order and the first whose `when` filter matches the
 * result's attributes wins, so each result goes to exactly one topic. The last route has no `when`.
 */
export interface RouteSpec<TopicKey extends string = string> {
  readonly to: NoInfer<TopicKey>;
  /** A filter in Pub/Sub's subscription filter syntax over the result's attributes; absent means always. */
  readonly when?: string;
}

/** Cloud Functions (2nd gen) resources of a stage. */
export interface StageResources {
  /** Request timeout, seconds. The push subscription's ack deadline must be at least this. */
  readonly timeoutSeconds?: number;
  /** Memory, as Cloud Functions spells it: `"256Mi"`, `"1Gi"`. */
  readonly availableMemory?: string;
  /** vCPUs, as Cloud Functions spells it: `"1"`, `"2"`. */
  readonly availableCpu?: string;
  /** Concurrent requests per instance (needs at least 1 vCPU above 1). */
  readonly maxInstanceRequestConcurrency?: number;
  readonly minInstanceCount?: number;
  readonly maxInstanceCount?: number;
}

/** One inference stage: a Cloud Function fed by its own push subscription. */
export interface StageSpec<TopicKey extends string = string> extends StageResources {
  readonly description: string;
  /** The exported function name (functions-framework `--target`, Cloud Functions `entryPoint`). */
  readonly entryPoint: string;
  /** Base name of the deployed function; defaults to the stage key in kebab case. */
  readonly functionName?: string;
  /** The topic the stage's push subscription is attached to. */
  readonly consumes: NoInfer<TopicKey>;
  /** The stage subscription's filter (the binding). Evaluated by Pub/Sub in production, by the runtime locally. */
  readonly filter?: string;
  readonly routes: readonly RouteSpec<TopicKey>[];
  readonly subscription?: SubscriptionSettings;
}

/** A pull subscription for consumers outside the pipeline (results, dead letters). */
export interface PullSubscriptionSpec<TopicKey extends string = string> extends SubscriptionSettings {
  readonly name: string;
  readonly description: string;
  readonly topic: NoInfer<TopicKey>;
  readonly filter?: string;
  /** Keep acknowledged messages so they can be replayed with seek. */
  readonly retainAckedMessages?: boolean;
}

/** A whole pipeline. */
export interface PipelineDefinition<
  TopicKey extends string = string,
  StageKey extends string = string,
  SubscriptionKey extends string = string,
> {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** The topic publishers write to. */
  readonly ingress: NoInfer<TopicKey>;
  /** The topic that receives what can never succeed. */
  readonly deadLetter: NoInfer<TopicKey>;
  /** The pull subscription that keeps dead letters until they are listed, replayed or purged. */
  readonly deadLetterSubscription: NoInfer<SubscriptionKey>;
  /** The pull subscription that receives every result: what the command line's `tail` shows by default. */
  readonly resultsSubscription?: NoInfer<SubscriptionKey>;
  /**
   * Content-based deduplication, as SQS FIFO queues offer it: off when absent, so every publish is a request of
   * its own unless it carries an `idempotencyKey`. When on, two requests with equal data, ordering key and
   * publisher attributes published within `windowSeconds` (1..86400) are one request (docs/idempotency.md).
   */
  readonly contentDeduplication?: { readonly windowSeconds: number };
  readonly topics: Readonly<Record<TopicKey, TopicSpec>>;
  readonly stages: Readonly<Record<StageKey, StageSpec<TopicKey>>>;
  readonly subscriptions: Readonly<Record<SubscriptionKey, PullSubscriptionSpec<TopicKey>>>;
}

/**
 * Identity function that gives a definition literal its precise key types, so that a typo in a topic key is a
 * compile error in the definition file.
 */
export function definePipeline<T extends string, S extends string, P extends string>(
  definition: PipelineDefinition<T, S, P>,
): PipelineDefinition<T, S, P> {
  return definition;
}
