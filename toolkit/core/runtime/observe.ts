import { SpanStatusCode } from '@opentelemetry/api';
import { measureMessage, metricFields } from './metrics';
import type { ReceivedMessage } from './received-message';
import { traceMessage, traceparentOf } from './tracing';

/** What observing a message adds to its processing result. */
export interface Observed {
  readonly outcome: string;
  readonly fields: Record<string, unknown>;
  /** The `traceparent` of the stage's span for this message, for the log line's trace fields. */
  readonly traceparent?: string;
}

/** Where the message was processed. */
export interface ObservedStage {
  readonly stage: string;
  /** Subscription path, when the message does not say. */
  readonly subscription: string;
  readonly nowMillis: () => number;
}

/**
 * Processes one message inside its span (see `traceMessage`) and its measurement record (see `measureMessage`),
 * and adds what they saw to the result: the span's outcome and status, the metric fields of the log line, and the
 * span's `traceparent`.
 */
export async function observeMessage<P extends Observed>(where: ObservedStage, message: ReceivedMessage, process: () => Promise<P>): Promise<P> {
  const info = {
    stage: where.stage,
    subscription: message.subscription ?? where.subscription,
    messageId: message.messageId,
    attributes: message.attributes,
    publishTime: message.publishTime,
    deliveryAttempt: message.deliveryAttempt,
  };
  return traceMessage(info, async (span) => {
    const { result, measurements } = await measureMessage(process);
    span.setAttribute('pipeline.outcome', result.outcome);
    if (result.outcome === 'retry' || result.outcome === 'dead-lettered') {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(result.fields['errorCode'] ?? result.outcome) });
    }
    const traceparent = traceparentOf(span);
    return { ...result, fields: { ...result.fields, ...metricFields(message, measurements, where.nowMillis()) }, ...(traceparent ? { traceparent } : {}) };
  });
}
