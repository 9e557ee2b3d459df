import type { Request, Response } from '@google-cloud/functions-framework';
import { ATTR } from '../pipeline/attributes';
import { PipelineError } from './errors';
import { traceFields } from './logger';
import { STATUS_FOR_OUTCOME } from './outcome';
import { parsePushRequest } from './push-body';
import type { ReceivedMessage } from './received-message';
import type { StageDefinition } from './stage-definition';
import { createStageProcessor, type Processed, type StageProcessor, type StageRuntime } from './stage-processor';

export type { StageRuntime } from './stage-processor';

/** An HTTP function for functions-framework, plus a hook to load models before the first request. */
export interface StageHandler {
  (req: Request, res: Response): Promise<void>;
  /** Loads the stage's dependencies now instead of on the first message (cold-start warm-up). */
  warmUp(): Promise<void>;
}

/** Logs one structured line per message: severity, outcome, latency, ids and the Cloud Trace fields. */
export function logProcessed(processor: StageProcessor, project: string, message: ReceivedMessage, processed: Processed, latencyMs: number): void {
  const severity = processed.outcome === 'retry' ? 'ERROR' : processed.outcome === 'dead-lettered' ? 'WARNING' : 'INFO';
  processor.logger.log(severity, `${processed.outcome} ${message.messageId}`, {
    messageId: message.messageId,
    outcome: processed.outcome,
    latencyMs: Math.round(latencyMs * 100) / 100,
    deliveryAttempt: message.deliveryAttempt,
    // What filters and routes decided on; the local dashboard shows them per hop of a request's journey.
    attributes: message.attributes,
    ...processed.fields,
    // The stage's own span when tracing is on; else the context the message arrived with.
    ...traceFields(processed.traceparent ?? message.attributes[ATTR.traceparent], project),
  });
}

/** Adapts a stage processor to Pub/Sub push: 204 acknowledges, any other status is a nack (retry with backoff). */
export function createPushHandler(processor: StageProcessor, project: string): StageHandler {
  const handler = async (req: Request, res: Response): Promise<void> => {
    const started = process.hrtime.bigint();
    let message: ReceivedMessage;
    try {
      message = parsePushRequest({ body: req.body, path: req.path, header: (name) => req.header(name) });
    } catch (error) {
      // Not a Pub/Sub message at all: nothing to dead-letter, so refuse it; a real push is then retried and
      // dead-lettered by the subscription's policy.
      const reason = error instanceof PipelineError ? error.message : String(error);
      processor.logger.warn(`rejected request: ${reason}`, { outcome: 'rejected', httpRequest: { requestMethod: req.method, requestUrl: req.originalUrl } });
      res.status(400).json({ error: reason });
      return;
    }
    const processed = await processor.process(message);
    logProcessed(processor, project, message, processed, Number(process.hrtime.bigint() - started) / 1e6);
    const status = STATUS_FOR_OUTCOME[processed.outcome];
    if (status === 204) res.status(204).end();
    else res.status(status).json({ error: processed.fields['error'] ?? processed.outcome });
  };
  return Object.assign(handler, { warmUp: () => processor.warmUp() });
}

/**
 * Builds the push HTTP function of a stage: parse the push request, process it (see `createStageProcessor`),
 * answer 204 or a retryable status, log one line.
 */
export function createStageHandler<In, Out, Deps, Attr extends string>(definition: StageDefinition<In, Out, Deps, Attr>, runtime: StageRuntime): StageHandler {
  return createPushHandler(createStageProcessor(definition, runtime), runtime.topology.project);
}
