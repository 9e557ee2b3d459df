/**
 * The compiled topology: concrete, prefixed names and fully resolved settings. This is what the CDKTF stack and
 * the local runner interpret; nothing downstream of `compileTopology` makes a name of its own.
 */
import type { BatchingSettings, DurationString } from './types';

/** What a topic is for. */
export const TOPIC_ROLES = ['ingress', 'internal', 'terminal', 'deadLetter'] as const;
/** What a topic is for. */
export type TopicRole = (typeof TOPIC_ROLES)[number];

/** A topic with its concrete name. */
export interface CompiledTopic {
  readonly key: string;
  /** Resource name with the environment prefix, e.g. `dev-ai-workloads-topic`. */
  readonly name: string;
  /** Full resource path, `projects/<project>/topics/<name>`. */
  readonly path: string;
  readonly description: string;
  readonly role: TopicRole;
  readonly messageRetentionDuration: DurationString;
  readonly labels: Readonly<Record<string, string>>;
}

/** One resolved route of a stage. */
export interface CompiledRoute {
  readonly topic: string;
  readonly topicName: string;
  /** Filter over the result's attributes; `''` matches everything. */
  readonly when: string;
}

/** The resolved retry policy of a subscription. */
export interface CompiledRetryPolicy {
  readonly minimumBackoff: DurationString;
  readonly maximumBackoff: DurationString;
}

/** The resolved dead-letter policy of a subscription. */
export interface CompiledDeadLetterPolicy {
  readonly deadLetterTopic: string;
  readonly deadLetterTopicName: string;
  readonly maxDeliveryAttempts: number;
}

/** Push or pull. */
export type SubscriptionKind = 'push' | 'pull';

/**
 * How a stage is fed: `push` (Pub/Sub calls the stage's HTTP function; scale to zero) or `pull` (a long-running
 * worker streams its subscription with flow control; see docs/delivery-modes.md).
 */
export const DELIVERY_MODES = ['push', 'pull'] as const;
/** One of `DELIVERY_MODES`. */
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** A subscription with its concrete name and resolved settings. */
export interface CompiledSubscription {
  readonly key: string;
  readonly name: string;
  /** Full resource path, `projects/<project>/subscriptions/<name>`. */
  readonly path: string;
  readonly description: string;
  readonly kind: SubscriptionKind;
  /** Key of the topic it is attached to. */
  readonly topic: string;
  readonly topicName: string;
  /**
   * For push subscriptions, the stage it feeds (its push endpoint is that stage's URL). A pull-fed stage names its
   * subscription in `CompiledStage.subscription` instead, so nothing gives a pull subscription a push endpoint.
   */
  readonly stage?: string;
  /** Filter in Pub/Sub syntax; `''` for none. */
  readonly filter: string;
  readonly ackDeadlineSeconds: number;
  readonly retryPolicy: CompiledRetryPolicy;
  /** Present on subscriptions that feed a stage. */
  readonly deadLetterPolicy?: CompiledDeadLetterPolicy;
  readonly enableMessageOrdering: boolean;
  readonly messageRetentionDuration: DurationString;
  readonly retainAckedMessages: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

/** A stage, resolved: its function, its subscription and where it may publish. */
export interface CompiledStage {
  readonly key: string;
  readonly description: string;
  /** Cloud Function name with the environment prefix. */
  readonly functionName: string;
  readonly entryPoint: string;
  /** The stage's module, relative to the pipeline file's folder (see `StageSpec.source`). */
  readonly source: string;
  /** The attributes the stage declares it sets. */
  readonly sets: readonly string[];
  /** The stage's settings, as environment variables of its function, server or worker. */
  readonly environment: Readonly<Record<string, string>>;
  /** Micro-batching of its model calls, when it batches. */
  readonly batching?: BatchingSettings;
  /** Key of the topic it consumes. */
  readonly consumes: string;
  /** How the stage is fed; `push` unless `CompileOptions.delivery` says otherwise. */
  readonly delivery: DeliveryMode;
  /** Key of the subscription that feeds it (push or pull, per `delivery`) in `CompiledTopology.subscriptions`. */
  readonly subscription: string;
  readonly routes: readonly CompiledRoute[];
  /** Keys of every topic the stage may publish to: its routes' topics and the dead-letter topic. */
  readonly publishesTo: readonly string[];
  /**
   * Path part of the push endpoint, `/projects/<project>/topics/<topic>`: functions-framework reads the source
   * topic from it.
   */
  readonly pushPath: string;
  readonly timeoutSeconds: number;
  readonly availableMemory: string;
  readonly availableCpu: string;
  readonly maxInstanceRequestConcurrency: number;
  readonly minInstanceCount: number;
  readonly maxInstanceCount: number;
  readonly labels: Readonly<Record<string, string>>;
}

/** Content-based deduplication of requests at ingress (`PipelineDefinition.contentDeduplication`). */
export interface ContentDeduplicationSettings {
  /** How long a request's content is remembered: an equal request published within it is dropped as a duplicate. */
  readonly windowSeconds: number;
}

/** Everything the infrastructure and the local runner need, with concrete names. */
export interface CompiledTopology {
  readonly name: string;
  readonly project: string;
  readonly prefix: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Key of the ingress topic. */
  readonly ingress: string;
  /** Key of the dead-letter topic. */
  readonly deadLetter: string;
  /** Key of the pull subscription that keeps dead letters. */
  readonly deadLetterSubscription: string;
  /** Key of the pull subscription that receives every result, when the definition names one. */
  readonly resultsSubscription?: string;
  /** Present when the definition turns content-based deduplication on. */
  readonly contentDeduplication?: ContentDeduplicationSettings;
  readonly topics: Readonly<Record<string, CompiledTopic>>;
  readonly stages: Readonly<Record<string, CompiledStage>>;
  readonly subscriptions: Readonly<Record<string, CompiledSubscription>>;
}

/** Options of `compileTopology`. */
export interface CompileOptions {
  /** Google Cloud project id. */
  readonly project: string;
  /** Environment prefix for every resource name (`dev`, `prod`); empty for none. */
  readonly prefix?: string;
  /** Extra labels for every resource (e.g. `env`). */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * How stages are fed: one mode for all, or a mode per stage key (stages not listed are `push`). A `pull` stage
   * gets a pull subscription (same filter, dead-letter policy, ordering and ack deadline) for a pull worker
   * instead of a push subscription. Default `push`.
   */
  readonly delivery?: DeliveryMode | Readonly<Record<string, DeliveryMode>>;
}
