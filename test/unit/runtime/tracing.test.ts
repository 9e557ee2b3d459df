/**
 * The stage's spans and the trace context it republishes, with the SDK installed and an in-memory exporter; the
 * publisher is a fake, so this is the production path where the stage writes both carriers itself.
 */
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { PermanentError } from '../../../toolkit/core/runtime/errors';
import { createMicroBatcher } from '../../../toolkit/core/runtime/micro-batcher';
import { extractTraceContext, traceContextAttributes } from '../../../toolkit/core/runtime/tracing';
import { installTracing, type Tracing } from '../../../toolkit/core/runtime/tracing-setup';
import { trace } from '@opentelemetry/api';
import { helpDeskTopology, textStageHarness } from '../../support/factories/text-stage-harness';

const topology = helpDeskTopology;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const CLIENT_PARENT = 'b7ad6b7169203331';
const NOW = new Date('2024-05-01T12:00:02.500Z');

let tracing: Tracing;
beforeAll(async () => {
  tracing = await installTracing({ exporter: 'memory', sampleRatio: 1, serviceName: 'unit' });
});
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());

const harness = (handle: (text: string) => Promise<string> | string = (text) => text.toUpperCase()) => textStageHarness({ now: NOW, handle });

const named = (name: string): ReadableSpan => {
  const found = tracing.finishedSpans().filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`expected one span "${name}", got ${tracing.finishedSpans().map((s) => s.name).join(', ')}`);
  return found[0] as ReadableSpan;
};

describe('a stage continues the publisher trace', () => {
  it('opens its process span under the W3C traceparent and republishes under its publish span', async () => {
    // Prepare
    const { publisher, deliver, logLine } = harness();
    // Act
    await deliver({ [ATTR.traceparent]: `00-${TRACE_ID}-${PARENT}-01` });
    // Assess
    const process = named('language process');
    const publish = named(`${topology.topics['english']?.name} publish`);
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(process.spanContext().traceId).toBe(TRACE_ID);
    expect(process.parentSpanContext?.spanId).toBe(PARENT);
    expect(process.attributes['pipeline.outcome']).toBe('published');
    for (const child of ['decode', 'handle']) expect(named(child).parentSpanContext?.spanId).toBe(process.spanContext().spanId);
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish.parentSpanContext?.spanId).toBe(process.spanContext().spanId);
    const carried = `00-${TRACE_ID}-${publish.spanContext().spanId}-01`;
    expect(publisher.published[0]?.message.attributes).toMatchObject({ [ATTR.traceparent]: carried, [ATTR.googclientTraceparent]: carried });
    // The log line names the stage's span, so Logs Explorer and Cloud Trace show them together.
    expect(logLine()).toMatchObject({
      'logging.googleapis.com/trace': `projects/test-project/traces/${TRACE_ID}`,
      'logging.googleapis.com/spanId': process.spanContext().spanId,
      'logging.googleapis.com/trace_sampled': true,
    });
  });

  it('prefers the official client googclient_traceparent, the span that published the message', async () => {
    const { deliver } = harness();
    await deliver({ [ATTR.traceparent]: `00-${'1'.repeat(32)}-${PARENT}-01`, [ATTR.googclientTraceparent]: `00-${TRACE_ID}-${CLIENT_PARENT}-01` });
    const process = named('language process');
    expect(process.spanContext().traceId).toBe(TRACE_ID);
    expect(process.parentSpanContext?.spanId).toBe(CLIENT_PARENT);
  });

  it('starts a new trace when the message carries none or a malformed one', async () => {
    const { publisher, deliver } = harness();
    await deliver({ [ATTR.traceparent]: 'not-a-traceparent' });
    const process = named('language process');
    expect(process.parentSpanContext).toBeUndefined();
    expect(publisher.published[0]?.message.attributes[ATTR.traceparent]).toContain(process.spanContext().traceId);
  });

  it('marks the span of a dead-lettered message as an error with its code, and traces the dead letter publish', async () => {
    const { publisher, deliver } = harness(() => {
      throw new PermanentError('cannot');
    });
    await deliver({ [ATTR.traceparent]: `00-${TRACE_ID}-${PARENT}-01` });
    const process = named('language process');
    expect(process.status).toMatchObject({ code: 2, message: 'PERMANENT_FAILURE' });
    expect(named('handle').status.code).toBe(2);
    expect(publisher.published[0]?.message.attributes[ATTR.traceparent]).toContain(TRACE_ID);
  });
});

describe('metric fields of the log line', () => {
  it('has end-to-end latency from the ingress publish time, model time, and carries the ingress time on', async () => {
    const { publisher, deliver, logLine } = harness();
    await deliver({});
    // The push-body factory publishes at 12:00:00.000; the stage's clock says 12:00:02.500.
    expect(logLine()).toMatchObject({ e2eLatencyMs: 2500, modelMs: expect.any(Number) });
    expect(logLine()?.['batchSize']).toBeUndefined();
    expect(publisher.published[0]?.message.attributes[ATTR.ingressTime]).toBe('2024-05-01T12:00:00.000Z');
  });

  it('measures end-to-end latency from the carried ingress time at later stages', async () => {
    const { deliver, logLine } = harness();
    await deliver({ [ATTR.ingressTime]: '2024-05-01T11:59:59.000Z' });
    expect(logLine()?.['e2eLatencyMs']).toBe(3500);
  });

  it('records the size and time of the model call a message was batched into', async () => {
    // Prepare: a batcher whose model call waits for three items.
    const batcher = createMicroBatcher(async (items: readonly string[]) => items.map((value) => ({ ok: true as const, value: value.toUpperCase() })), { maxBatchSize: 3, maxWaitMillis: 1_000 });
    const { deliver, logLine } = harness((text) => batcher.submit(text));
    // Act
    await Promise.all(['1', '2', '3'].map((id) => deliver({}, id)));
    // Assess
    expect(logLine()).toMatchObject({ batchSize: 3, modelMs: expect.any(Number) });
  });
});

describe('trace context carriers', () => {
  it('writes both keys for the active span and nothing without one', () => {
    expect(traceContextAttributes(extractTraceContext({}))).toEqual({});
    const ctx = extractTraceContext({ [ATTR.traceparent]: `00-${TRACE_ID}-${PARENT}-01` });
    expect(trace.getSpanContext(ctx)?.isRemote).toBe(true);
    expect(traceContextAttributes(ctx)).toEqual({ [ATTR.traceparent]: `00-${TRACE_ID}-${PARENT}-01`, [ATTR.googclientTraceparent]: `00-${TRACE_ID}-${PARENT}-01` });
  });
});
