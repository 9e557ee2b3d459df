import { compileFilter } from '../filter';
import { ATTR } from '../pipeline/attributes';
import type { CompiledStage, CompiledTopology } from '../pipeline/topology';
import { carriedAttributes } from './carried-attributes';
import { buildDeadLetter } from './dead-letter';
import { decodePayload } from './decode';
import { InvalidOutputError, NoRouteError, PublishError, RetryableError, UnsupportedContentError, type PipelineError } from './errors';
import { noIdempotency, noPayloadStore, type IdempotencyStore, type PayloadStore } from './hooks';
import { requestIdentity } from './idempotency-key';
import { lazy } from './lazy';
import { assertWithinLimits, limitProblems, type OutgoingMessage } from './limits';
import type { Logger } from './logger';
import { ingressTimeAttribute, timeHandler } from './metrics';
import { observeMessage } from './observe';
import { classifyError, isPermanent, type Outcome } from './outcome';
import type { Publisher } from './publisher';
import { describeZodError } from './push-body';
import type { ReceivedMessage } from './received-message';
import type { StageDefinition } from './stage-definition';
import { traceContextAttributes, tracePublish, traceStep, traceStepSync } from './tracing';

/** What a stage needs from its environment; injected, never read from `process.env`. */
export interface StageRuntime {
  readonly topology: CompiledTopology;
  readonly publisher: Publisher;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Deduplication; none when absent. */
  readonly idempotency?: IdempotencyStore;
  /** Claim check for large payloads; none when absent. */
  readonly payloads?: PayloadStore;
  /** The environment the stage's loader reads its settings from; `process.env` when absent. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The result of processing one delivered message: what to answer Pub/Sub, and what to log. */
export interface Processed {
  readonly outcome: Outcome;
  readonly fields: Record<string, unknown>;
  /**
   * On a retry because another delivery holds the claim: when its lease ends. A pull worker keeps the message
   * until then instead of nacking it at once (a push answer cannot wait that long).
   */
  readonly retryNotBefore?: Date;
  /** The `traceparent` of the stage's span for this message (tracing.ts), for the log line's trace fields. */
  readonly traceparent?: string;
}

/** A stage's processing, independent of how messages arrive (push over HTTP, or a streaming-pull worker). */
export interface StageProcessor {
  readonly stage: CompiledStage;
  readonly logger: Logger;
  /** Processes one message; never throws (every failure becomes an outcome). */
  process(message: ReceivedMessage): Promise<Processed>;
  /** Loads models and opens the publisher's channel before the first message. */
  warmUp(): Promise<void>;
}

/**
 * The one shared wrapper around a stage's pure handler: apply the subscription's filter (the emulator ignores
 * filters; production applies them before delivery, so this is a no-op there), resolve claim checks, deduplicate,
 * decode and validate, call the handler, route and publish the result (awaited), and map errors to
 * ack / retry / dead letter in one place.
 */
export function createStageProcessor<In, Out, Deps, Attr extends string>(definition: StageDefinition<In, Out, Deps, Attr>, runtime: StageRuntime): StageProcessor {
  const { topology, publisher, now } = runtime;
  const idempotency = runtime.idempotency ?? noIdempotency;
  const payloads = runtime.payloads ?? noPayloadStore;
  const stage = topology.stages[definition.stage];
  if (!stage) throw new Error(`stage "${definition.stage}" is not in the pipeline topology (stages: ${Object.keys(topology.stages).join(', ')})`);
  const subscription = topology.subscriptions[stage.subscription];
  if (!subscription) throw new Error(`stage "${definition.stage}": subscription "${stage.subscription}" missing from the topology`);
  const matchesSubscription = compileFilter(subscription.filter);
  const routes = stage.routes.map((route) => ({ ...route, matches: compileFilter(route.when) }));
  const deadLetterTopic = topology.topics[topology.deadLetter]?.name ?? topology.deadLetter;
  const sourceTopic = topology.topics[stage.consumes]?.name ?? stage.consumes;
  // `process` below is this processor's own function, hence globalThis for the environment.
  const loadDependencies = lazy(() => definition.loadDependencies({ stage, env: runtime.env ?? globalThis.process.env }));
  const logger = runtime.logger.child({ stage: stage.key });

  const publish = async (topic: string, message: OutgoingMessage, messageId: string): Promise<string> => {
    try {
      // In its own span, whose context the message carries on: the next hop's span is its child.
      return await tracePublish(topic, () => publisher.publish(topic, { ...message, attributes: { ...message.attributes, ...traceContextAttributes() } }));
    } catch (cause) {
      throw new PublishError({ topic, stage: stage.key, messageId, cause });
    }
  };

  /** Publishes a result, by reference when it is over the claim-check threshold. */
  const publishResult = async (topic: string, message: OutgoingMessage, correlationId: string, messageId: string): Promise<string> => {
    if (message.data.length <= payloads.thresholdBytes) return publish(topic, message, messageId);
    const reference = await payloads.put(message.data, { stage: stage.key, correlationId });
    return publish(topic, { ...message, data: Buffer.alloc(0), attributes: { ...message.attributes, [ATTR.claimCheck]: reference } }, messageId);
  };

  const deadLetter = async (message: ReceivedMessage, error: ReturnType<typeof classifyError>): Promise<string> => {
    const letter = buildDeadLetter(message, error, { stage: stage.key, subscription: message.subscription ?? subscription.path, sourceTopic, now: now() });
    const tooLarge = limitProblems(letter);
    if (tooLarge.length > 0) {
      // Only a message at the very edge of 10 MB gets here (the reason attributes tipped it over). Let the
      // subscription's dead-letter policy move the original, which fits, rather than lose or cut its data.
      throw new RetryableError(`${error.code}: ${error.message}; the dead letter would exceed Pub/Sub limits (${tooLarge.join('; ')}), so it is left to the subscription's dead-letter policy`);
    }
    // Awaited: only once the dead letter is safely stored may the original be acknowledged.
    return publish(deadLetterTopic, letter, message.messageId);
  };

  const run = async (delivered: ReceivedMessage, correlationId: string): Promise<Processed> => {
    // Resolve a claim check first, so that deduplication and the handler see the real payload.
    const reference = delivered.attributes[ATTR.claimCheck];
    const message: ReceivedMessage = reference ? { ...delivered, data: await payloads.get(reference) } : delivered;
    // The request's identity, fixed at its first hop and carried since; never a hash of this hop's input.
    const identity = requestIdentity(message, topology.contentDeduplication);
    const key = identity.claimKey;
    const claim = await idempotency.claim(stage.key, key, now());
    if (claim.state === 'completed') return { outcome: 'duplicate', fields: { correlationId, idempotencyKey: key } };
    if (claim.state === 'in-progress') {
      return {
        outcome: 'retry',
        fields: { correlationId, idempotencyKey: key, errorCode: 'IN_PROGRESS', error: 'another delivery of this message is being processed' },
        ...(claim.leaseExpiresAt ? { retryNotBefore: claim.leaseExpiresAt } : {}),
      };
    }
    const held = { key, token: claim.token, requestKey: identity.requestKey, windowMillis: identity.windowMillis };
    try {
      const contentProblem = definition.contentProblem?.(message.attributes);
      if (contentProblem) throw new UnsupportedContentError(contentProblem);
      const input = traceStepSync('decode', () => decodePayload(message.data, definition.input, definition.expects));
      const deps = await loadDependencies().catch((error: unknown) => {
        throw new RetryableError(`stage ${stage.key} could not load its dependencies: ${(error as Error).message}`, { cause: error });
      });
      const result = await traceStep('handle', () => timeHandler(() => definition.handle(input, { deps, message, correlationId, logger: logger.child({ correlationId }), now })));
      const output = definition.output.safeParse(result.data);
      if (!output.success) throw new InvalidOutputError(`stage ${stage.key} produced an invalid result: ${describeZodError(output.error)}`);
      const attributes: Record<string, string> = {
        ...carriedAttributes(message.attributes, message.messageId),
        ...ingressTimeAttribute(message),
        ...definedAttributes(result.attributes),
        [ATTR.stage]: stage.key,
        [ATTR.requestKey]: identity.requestKey,
      };
      delete attributes[ATTR.claimCheck];
      const route = routes.find((r) => r.matches(attributes));
      if (!route) throw new NoRouteError(`no route of stage ${stage.key} matches the result's attributes`);
      const outgoing: OutgoingMessage = { data: Buffer.from(JSON.stringify(output.data)), attributes, orderingKey: message.orderingKey };
      // The limits apply to what is actually published: with a claim check, the reference, not the payload.
      assertWithinLimits(outgoing.data.length > payloads.thresholdBytes ? { ...outgoing, data: Buffer.alloc(0) } : outgoing, `result of stage ${stage.key}`);
      const outputMessageId = await publishResult(route.topicName, outgoing, correlationId, message.messageId);
      await idempotency.complete(stage.key, key, claim.token, now(), identity.windowMillis);
      return { outcome: 'published', fields: { correlationId, outputTopic: route.topicName, outputMessageId } };
    } catch (caught) {
      return settleFailure(message, correlationId, caught, held);
    }
  };

  /**
   * The one place a failure becomes an outcome: a retryable one gives up the claim and asks for redelivery; a
   * permanent one is dead-lettered and recorded as done. If the dead letter or the record cannot be written, the
   * delivery is retried rather than the message lost. Never throws.
   */
  const settleFailure = async (message: ReceivedMessage, correlationId: string, caught: unknown, claim?: HeldClaim): Promise<Processed> => {
    const error = classifyError(caught);
    if (!isPermanent(error)) return retry(correlationId, error, claim);
    let deadLetterMessageId: string;
    try {
      // The dead letter carries the request's identity, so that its replays are deduplicated as one request.
      const identified = claim ? { ...message, attributes: { ...message.attributes, [ATTR.requestKey]: claim.requestKey } } : message;
      deadLetterMessageId = await deadLetter(identified, error);
    } catch (failure) {
      return retry(correlationId, classifyError(failure), claim);
    }
    try {
      if (claim) await idempotency.complete(stage.key, claim.key, claim.token, now(), claim.windowMillis);
    } catch (failure) {
      // Dead-lettered but not recorded: keep the claim until its lease runs out rather than invite a copy now.
      return retry(correlationId, classifyError(failure));
    }
    return { outcome: 'dead-lettered', fields: { correlationId, errorCode: error.code, error: error.message, deadLetterMessageId } };
  };

  /** Asks for redelivery, first giving up the claim (if there is one) so the redelivery can take it at once. */
  const retry = async (correlationId: string, error: PipelineError, claim?: HeldClaim): Promise<Processed> => {
    if (claim) await idempotency.release(stage.key, claim.key, claim.token).catch(() => undefined);
    return { outcome: 'retry', fields: { correlationId, errorCode: error.code, error: error.message } };
  };

  const processOne = async (message: ReceivedMessage): Promise<Processed> => {
    const correlationId = message.attributes[ATTR.correlationId] || message.messageId;
    if (!matchesSubscription(message.attributes)) {
      return { outcome: 'filtered', fields: { correlationId, filter: subscription.filter } };
    }
    try {
      return await run(message, correlationId);
    } catch (caught) {
      // Before a claim: a claim check that can never resolve is bad input like any other (dead letter); the
      // store or the claim failing is retried.
      return settleFailure(message, correlationId, caught);
    }
  };

  // Each message in its own span and measurement record (observe.ts): trace, metric fields of the log line.
  const observed = { stage: stage.key, subscription: subscription.path, nowMillis: () => now().getTime() };
  const process = (message: ReceivedMessage): Promise<Processed> => observeMessage(observed, message, () => processOne(message));

  const warmUp = async (): Promise<void> => {
    await Promise.all([loadDependencies(), publisher.warmUp?.([...routes.map((route) => route.topicName), deadLetterTopic])]);
  };
  return { stage, logger, process, warmUp };
}

/** A claim this delivery holds, and what settling it needs. */
interface HeldClaim {
  readonly key: string;
  readonly token: string;
  readonly requestKey: string;
  readonly windowMillis: number | undefined;
}

function definedAttributes(attributes: Partial<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) out[key] = value;
  return out;
}
