/**
 * The pull worker against the real Pub/Sub emulator: a toy stage compiled with `delivery: 'pull'` streams its
 * pull subscription; results, dead letters and retries go through real topics, and a graceful stop finishes the
 * message in flight before it closes.
 */
import type { PubSub } from '@google-cloud/pubsub';
import { z } from 'zod';
import { provisionTopology } from '../../../toolkit/local/provision';
import { ATTR, PUBSUB_DEAD_LETTER_ATTR } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import type { CompiledTopology } from '../../../toolkit/core/pipeline/topology';
import { PermanentError, RetryableError } from '../../../toolkit/core/runtime/errors';
import { createLogger } from '../../../toolkit/core/runtime/logger';
import { createPubSubPublisher } from '../../../toolkit/core/runtime/publisher';
import type { StageDefinition } from '../../../toolkit/core/runtime/stage-definition';
import { parseWorkerConfig } from '../../../toolkit/core/worker/config';
import { startStageWorker, type StageWorker } from '../../../toolkit/core/worker/stage-worker';
import { collect } from '../../support/collect';
import { emulatorClient, uniqueProject } from '../../support/emulator';
import { toyPipeline } from '../../support/toy-pipeline';

const toyDefinition = toyPipeline({
  name: 'wtest',
  stage: 'echo',
  entryPoint: 'wtestEcho',
  // The smallest attempt count Pub/Sub allows, and no backoff, so the retry test is quick.
  subscription: { maxDeliveryAttempts: 5, minimumBackoff: '0s', maximumBackoff: '1s' },
});

const inputSchema = z.object({ text: z.string(), mode: z.enum(['ok', 'permanent', 'retry', 'slow']).default('ok') }).strict();

jest.setTimeout(90_000);

describe('pull worker on the Pub/Sub emulator', () => {
  let topology: CompiledTopology;
  let pubsub: PubSub;
  let worker: StageWorker;
  const attempts = new Map<string, number>();
  const started = new Map<string, () => void>();
  const deliveryAttempts = new Map<string, number[]>();

  const definition: StageDefinition<z.infer<typeof inputSchema>, { echoed: string }, object> = {
    stage: 'echo',
    input: inputSchema,
    expects: 'JSON {"text": string, "mode"?: "ok"|"permanent"|"retry"|"slow"}',
    output: z.object({ echoed: z.string() }),
    loadDependencies: async () => ({}),
    handle: async (input, context) => {
      attempts.set(input.text, (attempts.get(input.text) ?? 0) + 1);
      deliveryAttempts.set(input.text, [...(deliveryAttempts.get(input.text) ?? []), context.message.deliveryAttempt ?? 0]);
      started.get(input.text)?.();
      if (input.mode === 'permanent') throw new PermanentError(`cannot echo "${input.text}"`);
      if (input.mode === 'retry') throw new RetryableError('the echo service is down');
      if (input.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 1_500));
      return { data: { echoed: input.text.toUpperCase() } };
    },
  };

  const startWorker = async (): Promise<StageWorker> => {
    const runtime = { topology, publisher: createPubSubPublisher(emulatorClient(topology.project)), logger: createLogger({}, () => undefined), now: () => new Date() };
    return startStageWorker({ definition, runtime, subscriber: pubsub, config: parseWorkerConfig({ stage: 'echo', 'max-messages': '8' }, {}) });
  };

  beforeAll(async () => {
    const project = uniqueProject('worker');
    topology = compileTopology(toyDefinition, { project, delivery: 'pull' });
    pubsub = emulatorClient(project);
    await provisionTopology(pubsub, topology, () => '');
    worker = await startWorker();
  });

  afterAll(async () => {
    await worker?.stop();
    await pubsub?.close();
  });

  const publish = (data: string, attributes: Record<string, string> = {}): Promise<string> =>
    pubsub.topic(topology.topics['input']!.name).publishMessage({ data: Buffer.from(data), attributes });

  it('streams the pull subscription the topology made for the stage', async () => {
    const [metadata] = await pubsub.subscription(worker.subscriptionName).getMetadata();
    expect(worker.subscriptionName).toBe('wtest-echo-pull');
    // A pull subscription has no push endpoint.
    expect(metadata.pushConfig?.pushEndpoint ?? '').toBe('');
    expect(metadata.deadLetterPolicy?.maxDeliveryAttempts).toBe(5);
  });

  it('publishes the result with carried attributes, then acks', async () => {
    // Act
    const messageId = await publish(JSON.stringify({ text: 'hello' }), { idempotencyKey: 'k-1' });
    const results = await collect(pubsub, topology.subscriptions['outputAll']!.name, {
      until: (r) => r.some((m) => m.attributes[ATTR.correlationId] === messageId),
      timeoutMillis: 15_000,
      settleMillis: 1_500,
    });
    // Assess: one result, and the message was not redelivered (it was acked).
    const mine = results.filter((m) => m.attributes[ATTR.correlationId] === messageId);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.json()).toEqual({ echoed: 'HELLO' });
    expect(mine[0]?.attributes).toMatchObject({ [ATTR.idempotencyKey]: 'k-1', [ATTR.stage]: 'echo' });
    expect(attempts.get('hello')).toBe(1);
  });

  it('dead-letters a poison message once, with its reason and the pull subscription as source', async () => {
    const messageId = await publish(JSON.stringify({ text: 'poison', mode: 'permanent' }), { correlationId: 'poison-1' });
    const dead = await collect(pubsub, topology.subscriptions['deadAll']!.name, {
      until: (r) => r.some((m) => m.attributes[ATTR.correlationId] === 'poison-1'),
      timeoutMillis: 15_000,
      settleMillis: 1_500,
    });
    const mine = dead.filter((m) => m.attributes[ATTR.correlationId] === 'poison-1');
    expect(mine).toHaveLength(1);
    expect(mine[0]?.attributes).toMatchObject({
      [ATTR.dlqReason]: 'PERMANENT_FAILURE',
      [ATTR.dlqStage]: 'echo',
      [ATTR.dlqSubscription]: topology.subscriptions[topology.stages['echo']!.subscription]!.path,
      [ATTR.dlqSourceMessageId]: messageId,
    });
    expect(attempts.get('poison')).toBe(1);
  });

  it('nacks a retryable failure, so it is redelivered until maxDeliveryAttempts and then dead-lettered by Pub/Sub', async () => {
    await publish(JSON.stringify({ text: 'flaky', mode: 'retry' }), { correlationId: 'flaky-1' });
    const dead = await collect(pubsub, topology.subscriptions['deadAll']!.name, {
      until: (r) => r.some((m) => m.attributes[ATTR.correlationId] === 'flaky-1'),
      timeoutMillis: 60_000,
    });
    const mine = dead.find((m) => m.attributes[ATTR.correlationId] === 'flaky-1');
    expect(mine?.attributes[PUBSUB_DEAD_LETTER_ATTR.deliveryCount]).toBe('5');
    expect(mine?.attributes[ATTR.dlqReason]).toBeUndefined();
    expect(attempts.get('flaky')).toBe(5);
    // Pull delivers the attempt number the push body leaves out on the emulator.
    expect(deliveryAttempts.get('flaky')).toEqual([1, 2, 3, 4, 5]);
  });

  it('on stop, finishes the message in flight, publishes its result and acks it before closing', async () => {
    // Prepare
    const inHandler = new Promise<void>((resolve) => started.set('slow', resolve));
    const messageId = await publish(JSON.stringify({ text: 'slow', mode: 'slow' }));
    await inHandler;

    // Act
    await worker.stop();
    const inFlightAfterStop = worker.inFlight();
    // A new worker on the same subscription would get the message again had it not been acked.
    worker = await startWorker();
    const results = await collect(pubsub, topology.subscriptions['outputAll']!.name, {
      until: (r) => r.some((m) => m.attributes[ATTR.correlationId] === messageId),
      timeoutMillis: 15_000,
      settleMillis: 2_000,
    });

    // Assess
    expect(inFlightAfterStop).toBe(0);
    expect(results.filter((m) => m.attributes[ATTR.correlationId] === messageId)).toHaveLength(1);
    expect(attempts.get('slow')).toBe(1);
  });
});
