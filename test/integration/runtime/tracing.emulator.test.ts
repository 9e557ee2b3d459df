/**
 * One trace per request, on the real Pub/Sub emulator: a publisher written with the official client (tracing on)
 * sends a request through two push-fed stages (real functions-framework servers) to a consumer written with the
 * official client (tracing on). Every span lands in one in-memory exporter, and each hop must hang under the one
 * before it.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { z } from 'zod';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import type { CompiledTopology } from '../../../toolkit/core/pipeline/topology';
import type { PipelineDefinition } from '../../../toolkit/core/pipeline/types';
import { createLogger } from '../../../toolkit/core/runtime/logger';
import { createPubSubPublisher } from '../../../toolkit/core/runtime/publisher';
import { createStageHandler } from '../../../toolkit/core/runtime/stage-handler';
import { installTracing, type Tracing } from '../../../toolkit/core/runtime/tracing-setup';
import { provisionTopology } from '../../../toolkit/local/provision';
import { emulatorHost, uniqueProject } from '../../support/emulator';

jest.setTimeout(60_000);

/** `input ─▶ [first] ─▶ middle ─▶ [second] ─▶ output`, failures ─▶ `dead`. */
const twoStages: PipelineDefinition = {
  name: 'trace',
  ingress: 'input',
  deadLetter: 'dead',
  deadLetterSubscription: 'deadAll',
  topics: {
    input: { name: 'trace-input', description: 'input' },
    middle: { name: 'trace-middle', description: 'between the stages' },
    output: { name: 'trace-output', description: 'output', terminal: true },
    dead: { name: 'trace-dead', description: 'dead letters', terminal: true },
  },
  stages: {
    first: { description: 'first', entryPoint: 'traceFirst', source: './first', consumes: 'input', routes: [{ to: 'middle' }], timeoutSeconds: 10 },
    second: { description: 'second', entryPoint: 'traceSecond', source: './second', consumes: 'middle', routes: [{ to: 'output' }], timeoutSeconds: 10 },
  },
  subscriptions: {
    outputAll: { name: 'trace-output-all', description: 'all output', topic: 'output' },
    deadAll: { name: 'trace-dead-all', description: 'all dead letters', topic: 'dead' },
  },
};

const text = z.object({ text: z.string() });

/** A traced client on the emulator: the official client's own tracing on, as a user's publisher or consumer would have it. */
const tracedClient = (project: string): PubSub => new PubSub({ projectId: project, apiEndpoint: emulatorHost(), emulatorMode: true, enableOpenTelemetryTracing: true });

describe('one trace per request through the stages', () => {
  let tracing: Tracing;
  let topology: CompiledTopology;
  let client: PubSub;
  const servers: Server[] = [];

  beforeAll(async () => {
    tracing = await installTracing({ exporter: 'memory', sampleRatio: 1, serviceName: 'trace-test' });
    const project = uniqueProject('trace');
    topology = compileTopology(twoStages, { project });
    client = tracedClient(project);
    const urls: Record<string, string> = {};
    for (const [stage, entryPoint] of [['first', 'traceFirst'], ['second', 'traceSecond']] as const) {
      const handler = createStageHandler(
        {
          stage,
          input: text,
          expects: 'JSON {"text": string}',
          output: text,
          loadDependencies: async () => ({}),
          handle: (input) => ({ data: { text: `${input.text} ${stage}` } }),
        },
        { topology, publisher: createPubSubPublisher(client), logger: createLogger({}, () => undefined), now: () => new Date() },
      );
      functions.http(entryPoint, handler);
      const server = getTestServer(entryPoint);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      urls[stage] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
    await provisionTopology(client, topology, (stage) => urls[stage] as string);
  });

  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await client.close();
    await tracing.shutdown();
  });

  it('gives every hop the publisher trace id and the span before it as parent, and the consumer joins', async () => {
    // Prepare: a consumer on the results, written with the official client.
    const received = new Promise<Message>((resolve) => {
      const subscription = client.subscription(topology.subscriptions['outputAll']!.name);
      subscription.on('message', (message: Message) => {
        message.ack();
        void subscription.close().then(() => resolve(message));
      });
    });

    // Act: publish inside a request span, as an application with tracing would.
    const traceId = await trace.getTracer('trace-test').startActiveSpan('request', async (span) => {
      try {
        await client.topic(topology.topics['input']!.name).publishMessage({ data: Buffer.from(JSON.stringify({ text: 'hi' })) });
        return span.spanContext().traceId;
      } finally {
        span.end();
      }
    });
    const result = await received;
    // The consumer's process span ends after the callback returns.
    await waitFor(() => tracing.finishedSpans().some((s) => s.name === `${topology.subscriptions['outputAll']!.name} process`));

    // Assess
    expect(JSON.parse(result.data.toString())).toEqual({ text: 'hi first second' });
    const spans = tracing.finishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (span: ReadableSpan): ReadableSpan | undefined => byId.get(span.parentSpanContext?.spanId ?? '');

    const create = (topic: string): ReadableSpan => expectOne(spans, `${topology.topics[topic]!.name} create`);
    const inputCreate = create('input');
    const first = expectOne(spans, 'first process');
    const firstPublish = expectOne(spans, `${topology.topics['middle']!.name} publish`);
    const middleCreate = create('middle');
    const second = expectOne(spans, 'second process');
    const secondPublish = expectOne(spans, `${topology.topics['output']!.name} publish`);
    const outputCreate = create('output');
    const subscribe = expectOne(spans, `${topology.subscriptions['outputAll']!.name} subscribe`);
    const consumerProcess = expectOne(spans, `${topology.subscriptions['outputAll']!.name} process`);

    // The publisher's own span hangs under its request, and the first stage under what the publisher injected.
    expect(parentOf(inputCreate)?.name).toBe('request');
    expect(parentOf(first)).toBe(inputCreate);
    expect(first.kind).toBe(SpanKind.CONSUMER);
    // Inside a stage: decode, handle and publish are children of its process span.
    for (const stage of [first, second]) {
      const children = spans.filter((s) => parentOf(s) === stage).map((s) => s.name.split(' ').pop());
      expect(children).toEqual(expect.arrayContaining(['decode', 'handle', 'publish']));
    }
    // The stage's publish span is the parent of the client's create span, which is the next stage's parent.
    expect(parentOf(firstPublish)).toBe(first);
    expect(parentOf(middleCreate)).toBe(firstPublish);
    expect(parentOf(second)).toBe(middleCreate);
    expect(parentOf(secondPublish)).toBe(second);
    expect(parentOf(outputCreate)).toBe(secondPublish);
    // The consumer written with the official client joins the same trace.
    expect(parentOf(subscribe)).toBe(outputCreate);
    expect(parentOf(consumerProcess)).toBe(subscribe);
    // Both carriers go on to the next hop, in the trace of the request.
    expect(result.attributes[ATTR.traceparent]).toContain(traceId);
    expect(result.attributes[ATTR.googclientTraceparent]).toContain(traceId);
  });
});

function expectOne(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`expected one span named "${name}" in the trace, found ${found.length}; spans: ${spans.map((s) => s.name).join(', ')}`);
  return found[0] as ReadableSpan;
}

async function waitFor(condition: () => boolean, timeoutMillis = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMillis} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
