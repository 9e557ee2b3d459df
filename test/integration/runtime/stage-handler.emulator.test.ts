/**
 * The stage runtime against the real Pub/Sub emulator: a push subscription delivers to a functions-framework
 * server running a toy stage; results, dead letters and retries go through real topics.
 */
import type { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { PubSub } from '@google-cloud/pubsub';
import { z } from 'zod';
import { provisionTopology } from '../../../toolkit/local/provision';
import { ATTR, PUBSUB_DEAD_LETTER_ATTR } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import type { CompiledTopology } from '../../../toolkit/core/pipeline/topology';
import { PermanentError, RetryableError } from '../../../toolkit/core/runtime/errors';
import { createLogger } from '../../../toolkit/core/runtime/logger';
import { createPubSubPublisher } from '../../../toolkit/core/runtime/publisher';
import { createStageHandler } from '../../../toolkit/core/runtime/stage-handler';
import { collect } from '../../support/collect';
import { emulatorClient, uniqueProject } from '../../support/emulator';
import { toyPipeline } from '../../support/toy-pipeline';

const toyDefinition = toyPipeline({
  name: 'itest',
  stage: 'echo',
  entryPoint: 'itestEcho',
  // The smallest attempt count Pub/Sub allows, and no backoff, so the retry test is quick.
  subscription: { maxDeliveryAttempts: 5, minimumBackoff: '0s', maximumBackoff: '1s' },
});

const inputSchema = z.object({ text: z.string(), mode: z.enum(['ok', 'permanent', 'retry']).default('ok') }).strict();

jest.setTimeout(90_000);

describe('stage runtime on the Pub/Sub emulator', () => {
  let topology: CompiledTopology;
  let pubsub: PubSub;
  let server: Server;
  const attempts = new Map<string, number>();

  beforeAll(async () => {
    const project = uniqueProject('runtime');
    topology = compileTopology(toyDefinition, { project });
    pubsub = emulatorClient(project);
    const handler = createStageHandler(
      {
        stage: 'echo',
        input: inputSchema,
        expects: 'JSON {"text": string, "mode"?: "ok"|"permanent"|"retry"}',
        output: z.object({ echoed: z.string() }),
        loadDependencies: async () => ({}),
        handle: (input) => {
          attempts.set(input.text, (attempts.get(input.text) ?? 0) + 1);
          if (input.mode === 'permanent') throw new PermanentError(`cannot echo "${input.text}"`);
          if (input.mode === 'retry') throw new RetryableError('the echo service is down');
          return { data: { echoed: input.text.toUpperCase() }, attributes: { ['lang']: 'en' } };
        },
      },
      { topology, publisher: createPubSubPublisher(emulatorClient(project)), logger: createLogger({}, () => undefined), now: () => new Date() },
    );
    functions.http('itestEcho', handler);
    server = getTestServer('itestEcho');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await provisionTopology(pubsub, topology, () => `http://127.0.0.1:${port}`);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await pubsub.close();
  });

  const publish = (data: string, attributes: Record<string, string> = {}): Promise<string> =>
    pubsub.topic(topology.topics['input']!.name).publishMessage({ data: Buffer.from(data), attributes });

  it('publishes the result with carried and routing attributes', async () => {
    // Prepare
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    // Act
    const messageId = await publish(JSON.stringify({ text: 'hello' }), { idempotencyKey: 'k-1', traceparent });
    const [result] = await collect(pubsub, topology.subscriptions['outputAll']!.name, { until: (r) => r.length >= 1, timeoutMillis: 15_000 });
    // Assess
    expect(result?.json()).toEqual({ echoed: 'HELLO' });
    expect(result?.attributes).toEqual({
      [ATTR.correlationId]: messageId,
      [ATTR.idempotencyKey]: 'k-1',
      [ATTR.traceparent]: traceparent,
      [ATTR.googclientTraceparent]: traceparent,
      ['lang']: 'en',
      [ATTR.stage]: 'echo',
      // The request's identity, fixed at ingress from its idempotencyKey and carried on.
      [ATTR.requestKey]: 'key:k-1',
      // The ingress message's publish time, carried on for end-to-end latency.
      [ATTR.ingressTime]: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('dead-letters a permanent error once, with its reason, and acknowledges it', async () => {
    // Act
    const messageId = await publish(JSON.stringify({ text: 'poison', mode: 'permanent' }), { correlationId: 'order-17' });
    const dead = await collect(pubsub, topology.subscriptions['deadAll']!.name, {
      until: (r) => r.some((m) => m.attributes[ATTR.correlationId] === 'order-17'),
      timeoutMillis: 15_000,
      settleMillis: 1_500,
    });
    // Assess
    const mine = dead.filter((m) => m.attributes[ATTR.correlationId] === 'order-17');
    expect(mine).toHaveLength(1);
    expect(mine[0]?.attributes).toMatchObject({
      [ATTR.dlqReason]: 'PERMANENT_FAILURE',
      [ATTR.dlqError]: 'cannot echo "poison"',
      [ATTR.dlqStage]: 'echo',
      [ATTR.dlqSourceTopic]: topology.topics['input']!.name,
      [ATTR.dlqSourceMessageId]: messageId,
    });
    expect(mine[0]?.json()).toEqual({ text: 'poison', mode: 'permanent' });
    expect(attempts.get('poison')).toBe(1);
  });

  it('dead-letters malformed JSON with INVALID_JSON and keeps the original bytes', async () => {
    await publish('{not json', { correlationId: 'bad-json' });
    const dead = await collect(pubsub, topology.subscriptions['deadAll']!.name, {
      until: (r) => r.some((m) => m.attributes[ATTR.correlationId] === 'bad-json'),
      timeoutMillis: 15_000,
    });
    const mine = dead.find((m) => m.attributes[ATTR.correlationId] === 'bad-json');
    expect(mine?.attributes[ATTR.dlqReason]).toBe('INVALID_JSON');
    expect(mine?.data.toString()).toBe('{not json');
  });

  it('redelivers a retryable failure until maxDeliveryAttempts, then Pub/Sub dead-letters it', async () => {
    await publish(JSON.stringify({ text: 'flaky', mode: 'retry' }), { correlationId: 'flaky-1' });
    const dead = await collect(pubsub, topology.subscriptions['deadAll']!.name, {
      until: (r) => r.some((m) => m.attributes[ATTR.correlationId] === 'flaky-1'),
      timeoutMillis: 60_000,
    });
    const mine = dead.find((m) => m.attributes[ATTR.correlationId] === 'flaky-1');
    // Dead-lettered by the subscription's policy, not by the runtime: Pub/Sub's own attributes, no dlqReason.
    expect(mine?.attributes[PUBSUB_DEAD_LETTER_ATTR.deliveryCount]).toBe('5');
    expect(mine?.attributes[ATTR.dlqReason]).toBeUndefined();
    expect(attempts.get('flaky')).toBe(5);
  });
});
