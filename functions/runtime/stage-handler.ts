import type { Request, Response } from '@google-cloud/functions-framework';
import { compileFilter } from '../filter';
import { ATTR } from '../pipeline/attributes';
import type { CompiledStage, CompiledTopology } from '../pipeline/topology';
import { carriedAttributes } from './carried-attributes';
import { buildDeadLetter } from './dead-letter';
import { decodePayload } from './decode';
import { InvalidOutputError, NoRouteError, PipelineError, PublishError, RetryableError } from './errors';
import { lazy } from './lazy';
import { assertWithinLimits, limitProblems, type OutgoingMessage } from './limits';
import { traceFields, type Logger } from './logger';
import { classifyError, isPermanent, STATUS_FOR_OUTCOME, type Outcome } from './outcome';
import type { Publisher } from './publisher';
import { describeZodError, parsePushRequest } from './push-body';
import type { ReceivedMessage } from './received-message';
import type { StageDefinition } from './stage-definition';

/** What a stage handler needs from its environment; injected, never read from `process.env`. */
export interface StageRuntime {
  readonly topology: CompiledTopology;
  readonly publisher: Publisher;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** An HTTP function for functions-framework, plus a hook to load models before the first request. */
export interface StageHandler {
  (req: Request, res: Response): Promise<void>;
  /** Loads the stage's dependencies now instead of on the first message (cold-start warm-up). */
  warmUp(): Promise<void>;
}

/** The result of processing one delivered message. */
interface Processed {
  readonly outcome: Outcome;
  readonly fields: Record<string, unknown>;
}

/**
 * Builds the HTTP function for a stage: parse the push request, apply the subscription's filter (the emulator
 * ignores filters; production applies them before delivery, so this is a no-op there), decode and validate,
 * call the handler, route and publish the result (awaited), and map errors to ack / retry / dead letter.
 */
export function createStageHandler<In, Out, Deps>(definition: StageDefinition<In, Out, Deps>, runtime: StageRuntime): StageHandler {
  const { topology, publisher, now } = runtime;
  const stage = topology.stages[definition.stage];
  if (!stage) throw new Error(`stage "${definition.stage}" is not in the pipeline topology (stages: ${Object.keys(topology.stages).join(', ')})`);
  const subscription = topology.subscriptions[stage.subscription];
  if (!subscription) throw new Error(`stage "${definition.stage}": subscription "${stage.subscription}" missing from the topology`);
  const matchesSubscription = compileFilter(subscription.filter);
  const routes = stage.routes.map((route) => ({ ...route, matches: compileFilter(route.when) }));
  const deadLetterTopic = topology.topics[topology.deadLetter]?.name ?? topology.deadLetter;
  const sourceTopic = topology.topics[stage.consumes]?.name ?? stage.consumes;
  const loadDependencies = lazy(definition.loadDependencies);
  const logger = runtime.logger.child({ stage: stage.key });

  const processMessage = async (message: ReceivedMessage): Promise<Processed> => {
    const correlationId = message.attributes[ATTR.correlationId] || message.messageId;
    if (!matchesSubscription(message.attributes)) {
      return { outcome: 'filtered', fields: { correlationId, filter: subscription.filter } };
    }
    try {
      const input = decodePayload(message.data, definition.input, definition.expects);
      const deps = await loadDependencies().catch((error: unknown) => {
        throw new RetryableError(`stage ${stage.key} could not load its dependencies: ${(error as Error).message}`, { cause: error });
      });
      const result = await definition.handle(input, { deps, message, correlationId, logger: logger.child({ correlationId }), now });
      const output = definition.output.safeParse(result.data);
      if (!output.success) throw new InvalidOutputError(`stage ${stage.key} produced an invalid result: ${describeZodError(output.error)}`);
      const attributes: Record<string, string> = {
        ...carriedAttributes(message.attributes, message.messageId),
        ...definedAttributes(result.attributes),
        [ATTR.stage]: stage.key,
      };
      const route = routes.find((r) => r.matches(attributes));
      if (!route) throw new NoRouteError(`no route of stage ${stage.key} matches the result's attributes`);
      const outgoing: OutgoingMessage = { data: Buffer.from(JSON.stringify(output.data)), attributes, orderingKey: message.orderingKey };
      assertWithinLimits(outgoing, `result of stage ${stage.key}`);
      const outputMessageId = await publishOrWrap(publisher, route.topicName, outgoing, stage, message.messageId);
      return { outcome: 'published', fields: { correlationId, outputTopic: route.topicName, outputMessageId } };
    } catch (caught) {
      const error = classifyError(caught);
      if (!isPermanent(error)) {
        return { outcome: 'retry', fields: { correlationId, errorCode: error.code, error: error.message } };
      }
      const deadLetter = buildDeadLetter(message, error, { stage: stage.key, subscription: message.subscription ?? subscription.path, sourceTopic, now: now() });
      const tooLarge = limitProblems(deadLetter);
      if (tooLarge.length > 0) {
        // Only a message at the very edge of 10 MB gets here (the reason attributes tipped it over). Let the
        // subscription's dead-letter policy move the original, which fits, rather than lose or cut its data.
        throw new RetryableError(`${error.code}: ${error.message}; the dead letter would exceed Pub/Sub limits (${tooLarge.join('; ')}), so it is left to the subscription's dead-letter policy`);
      }
      // Awaited: only once the dead letter is safely stored may the original be acknowledged.
      const deadLetterMessageId = await publishOrWrap(publisher, deadLetterTopic, deadLetter, stage, message.messageId);
      return { outcome: 'dead-lettered', fields: { correlationId, errorCode: error.code, error: error.message, deadLetterMessageId } };
    }
  };

  const handler = async (req: Request, res: Response): Promise<void> => {
    const started = process.hrtime.bigint();
    let message: ReceivedMessage;
    try {
      message = parsePushRequest({ body: req.body, path: req.path, header: (name) => req.header(name) });
    } catch (error) {
      // Not a Pub/Sub message at all: nothing to dead-letter, so refuse it; a real push is then retried and
      // dead-lettered by the subscription's policy.
      const reason = error instanceof PipelineError ? error.message : String(error);
      logger.warn(`rejected request: ${reason}`, { outcome: 'rejected', httpRequest: { requestMethod: req.method, requestUrl: req.originalUrl } });
      res.status(400).json({ error: reason });
      return;
    }
    let processed: Processed;
    try {
      processed = await processMessage(message);
    } catch (error) {
      // Only the dead-letter publish can land here: retry the delivery rather than lose the message.
      const pipelineError = classifyError(error);
      const correlationId = message.attributes[ATTR.correlationId] || message.messageId;
      processed = { outcome: 'retry', fields: { correlationId, errorCode: pipelineError.code, error: pipelineError.message } };
    }
    const latencyMs = Math.round(elapsedMs(started) * 100) / 100;
    const severity = processed.outcome === 'retry' ? 'ERROR' : processed.outcome === 'dead-lettered' ? 'WARNING' : 'INFO';
    logger.log(severity, `${processed.outcome} ${message.messageId}`, {
      messageId: message.messageId,
      outcome: processed.outcome,
      latencyMs,
      deliveryAttempt: message.deliveryAttempt,
      ...processed.fields,
      ...traceFields(message.attributes[ATTR.traceparent], topology.project),
    });
    const status = STATUS_FOR_OUTCOME[processed.outcome];
    if (status === 204) res.status(204).end();
    else res.status(status).json({ error: processed.fields['error'] ?? processed.outcome });
  };
  const warmUp = async (): Promise<void> => {
    await Promise.all([loadDependencies(), publisher.warmUp?.([...routes.map((route) => route.topicName), deadLetterTopic])]);
  };
  return Object.assign(handler, { warmUp });
}

async function publishOrWrap(publisher: Publisher, topic: string, message: OutgoingMessage, stage: CompiledStage, messageId: string): Promise<string> {
  try {
    return await publisher.publish(topic, message);
  } catch (cause) {
    throw new PublishError({ topic, stage: stage.key, messageId, cause });
  }
}

function definedAttributes(attributes: Partial<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) out[key] = value;
  return out;
}

function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}
