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

/** Micro-batching of a stage's model calls: concurrent requests of one instance share one call. */
export interface BatchingSettings {
  /** Most requests one model call takes. */
  readonly maxBatchSize: number;
  /** How long the first request of a batch waits for others, in milliseconds. */
  readonly maxWaitMillis: number;
}

/** One inference stage: a Cloud Function fed by its own push subscription. */
export interface StageSpec<TopicKey extends string = string> extends StageResources {
  readonly description: string;
  /**
   * The stage's module, relative to the folder of the file that creates the pipeline (`createPipeline({ file })`),
   * e.g. `./stages/language`. Its default export is the stage (`defineStage`). Two stages may name one module: the
   * same code deployed twice, on two topics.
   */
  readonly source: string;
  /**
   * The attributes the stage sets on its results, each with what it means. Filters (routes, subscriptions) may
   * use them, and the stage's handler is typed to set only these.
   */
  readonly sets?: Readonly<Record<string, string>>;
  /**
   * Settings of the stage as environment variables (`ONNX_MODEL_URI`, thresholds): given to its deployed function
   * and to its local server or worker alike. Names are upper-case, as Cloud Functions expects.
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** Micro-batching of the stage's model calls; absent for stages that do not batch. */
  readonly batching?: BatchingSettings;
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
  /**
   * Attributes publishers set on requests (beyond the toolkit's own, such as `correlationId`), each with what it
   * means. Filters may use them; stages' own attributes are declared by each stage's `sets`.
   */
  readonly attributes?: Readonly<Record<string, string>>;
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

/** Keys of a definition's topics. */
type TopicKeysOf<D> = D extends { readonly topics: infer T } ? keyof T & string : never;

/**
 * What makes a definition literal consistent: every topic a stage consumes or routes to, and every topic a
 * subscription reads, is one of its topics; the ingress, dead-letter and subscription references name real keys.
 */
type ConsistentDefinition<D> = D extends { readonly topics: unknown; readonly stages: infer S; readonly subscriptions: infer P }
  ? {
      readonly ingress: TopicKeysOf<D>;
      readonly deadLetter: TopicKeysOf<D>;
      readonly deadLetterSubscription: keyof P & string;
      readonly resultsSubscription?: keyof P & string;
      readonly stages: {
        readonly [K in keyof S]: StageSpec<TopicKeysOf<D>>;
      };
      readonly subscriptions: { readonly [K in keyof P]: PullSubscriptionSpec<TopicKeysOf<D>> };
    }
  : never;

/**
 * Identity function that keeps a definition literal's precise types (its stage keys, and the attributes each stage
 * `sets`, which type the stage's handler), and makes a typo in a topic key a compile error in the definition.
 */
export function definePipeline<const D extends PipelineDefinition>(definition: D & ConsistentDefinition<D>): D {
  return definition;
}

/** Keys of a pipeline definition's stages. */
export type StageKeyOf<D> = D extends { readonly stages: infer S } ? keyof S & string : never;

/**
 * The attributes a definition declares for its publishers (`attributes`): a stage that reads one by name writes
 * `'name' satisfies PipelineAttributeOf<typeof definition>`, so a rename in the definition is a compile error.
 */
export type PipelineAttributeOf<D> = D extends { readonly attributes: infer A } ? keyof A & string : never;

/** The attributes a stage of a definition declares in `sets`. */
export type StageAttributeOf<D, K> = D extends { readonly stages: infer S }
  ? K extends keyof S
    ? S[K] extends { readonly sets: infer A }
      ? keyof A & string
      : never
    : never
  : never;
