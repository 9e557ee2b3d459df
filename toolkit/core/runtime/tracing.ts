/**
 * One trace per request: every stage continues the trace of whoever published the message it receives, and
 * republishes with its own span as the parent of the next hop.
 *
 * Only the OpenTelemetry API is used here; which SDK and exporter record the spans is chosen once, at the edge
 * (`tracing-setup.ts`). Without an installed SDK every call below is the API's no-op, and the trace context the
 * message arrived with is passed on unchanged.
 *
 * Two carriers of the W3C context are read and written: the project's `traceparent` attribute and
 * `googclient_traceparent`, which `@google-cloud/pubsub` injects and reads when it is created with
 * `enableOpenTelemetryTracing: true`. A push endpoint is not the client library, so the stage reads that
 * attribute itself.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ATTR } from '../pipeline/attributes';

/** Name of the toolkit's tracer (the instrumentation scope shown next to each span). */
export const TRACER_NAME = 'pipeline-toolkit';

const propagator = new W3CTraceContextPropagator();
// A proxy: it records through whichever provider is registered, even one registered after this module loaded.
const tracer = trace.getTracer(TRACER_NAME);

/**
 * The context the message being processed arrived with. Without an SDK there is no active span to carry on, and
 * the next hop gets this context instead, under both keys.
 */
const arrivedWith = new AsyncLocalStorage<Context>();

/** The carriers read, most specific first: the official client's attribute names the span that published the message. */
const CARRIERS = [ATTR.googclientTraceparent, ATTR.traceparent] as const;

/** The trace context a message was published with, or the root context when it carries none (or a malformed one). */
export function extractTraceContext(attributes: Readonly<Record<string, string>>): Context {
  for (const key of CARRIERS) {
    const traceparent = attributes[key];
    if (!traceparent) continue;
    const extracted = propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter);
    if (trace.getSpanContext(extracted)) return extracted;
  }
  return ROOT_CONTEXT;
}

/**
 * The attributes that carry `ctx` (by default the active context, or without an SDK the context the message
 * arrived with) to the next hop, under both keys; empty when there is no valid span context to carry.
 */
export function traceContextAttributes(ctx?: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  const active = context.active();
  const carried = ctx ?? (trace.getSpanContext(active) ? active : (arrivedWith.getStore() ?? active));
  propagator.inject(carried, carrier, defaultTextMapSetter);
  const traceparent = carrier['traceparent'];
  return traceparent ? { [ATTR.traceparent]: traceparent, [ATTR.googclientTraceparent]: traceparent } : {};
}

/** The W3C `traceparent` of a span (for the log line's trace fields); undefined for an invalid span context. */
export function traceparentOf(span: Span): string | undefined {
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!trace.isSpanContextValid(span.spanContext())) return undefined;
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

/** What the stage's span of a message records about it. */
export interface MessageSpanInfo {
  readonly stage: string;
  /** Subscription name or path the message came through. */
  readonly subscription: string;
  readonly messageId: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly publishTime?: string;
  readonly deliveryAttempt?: number;
}

/**
 * Runs `fn` inside the stage's span for one message (`<stage> process`, a consumer span whose parent is the
 * publisher's context), with that span active so that `traceStep` children and the republished trace context
 * hang under it. The span ends when `fn` settles.
 */
export async function traceMessage<T>(info: MessageSpanInfo, fn: (span: Span) => Promise<T>): Promise<T> {
  const attributes: Attributes = {
    'messaging.system': 'gcp_pubsub',
    'messaging.operation': 'process',
    'messaging.destination.name': info.subscription,
    'messaging.message.id': info.messageId,
    'pipeline.stage': info.stage,
  };
  const correlationId = info.attributes[ATTR.correlationId];
  if (correlationId) attributes['pipeline.correlation_id'] = correlationId;
  if (info.deliveryAttempt !== undefined) attributes['messaging.gcp_pubsub.message.delivery_attempt'] = info.deliveryAttempt;
  const parent = extractTraceContext(info.attributes);
  return arrivedWith.run(parent, () => tracer.startActiveSpan(`${info.stage} process`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
    // The time Pub/Sub accepted the message, so that the wait in the subscription shows next to the work.
    if (info.publishTime) span.addEvent('published', {}, new Date(info.publishTime));
    span.addEvent('received');
    try {
      return await fn(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  }));
}

/** Runs `fn` in a child span of the active span (`decode`, `handle`, `<topic> publish`). */
export async function traceStep<T>(name: string, fn: () => Promise<T> | T, options: { kind?: SpanKind; attributes?: Attributes } = {}): Promise<T> {
  return tracer.startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes ?? {} }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The synchronous form of `traceStep`, for steps (decoding) that must not yield to the event loop. */
export function traceStepSync<T>(name: string, fn: () => T): T {
  return tracer.startActiveSpan(name, (span) => {
    try {
      return fn();
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Runs `fn` as the span that publishes to `topic` (a producer span); the message it publishes carries this span's context. */
export function tracePublish<T>(topic: string, fn: () => Promise<T>): Promise<T> {
  return traceStep(`${topic} publish`, fn, { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'gcp_pubsub', 'messaging.operation': 'publish', 'messaging.destination.name': topic } });
}

function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
