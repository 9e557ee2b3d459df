/**
 * Idempotent stages on the real emulators: a toy stage served by functions-framework, fed by a push subscription
 * of the Pub/Sub emulator, keeping its deduplication records in the Firestore emulator (both started by
 * test/support/global-setup.ts). Faults are injected around the real publisher and the real store.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { z } from 'zod';
import { FirestoreIdempotencyStore } from '../../../toolkit/core/idempotency/firestore-store';
import { provisionTopology } from '../../../toolkit/local/provision';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import type { CompiledTopology } from '../../../toolkit/core/pipeline/topology';
import { RetryableError } from '../../../toolkit/core/runtime/errors';
import type { IdempotencyStore } from '../../../toolkit/core/runtime/hooks';
import { createLogger } from '../../../toolkit/core/runtime/logger';
import { createPubSubPublisher, type Publisher } from '../../../toolkit/core/runtime/publisher';
import { createStageHandler } from '../../../toolkit/core/runtime/stage-handler';
import { collect, type Collected } from '../../support/collect';
import { emulatorClient, uniqueProject } from '../../support/emulator';
import { pushBody } from '../../support/factories/push-body';
import { firestoreClient } from '../../support/firestore';
import { toyPipeline } from '../../support/toy-pipeline';

const toyDefinition = toyPipeline({
  name: 'idem',
  stage: 'echo',
  entryPoint: 'idemEcho',
  // Many attempts and short backoff: a message waiting out another delivery's lease is redelivered often.
  subscription: { maxDeliveryAttempts: 100, minimumBackoff: '0s', maximumBackoff: '1s' },
});

/** Short, so the crash test does not wait for a real stage's timeout; long enough to cover the slow handler. */
const LEASE_MILLIS = 3_000;
const inputSchema = z.object({ text: z.string(), failFirst: z.boolean().default(false), holdMillis: z.number().default(0) }).strict();

jest.setTimeout(90_000);

describe('idempotent stage on the Pub/Sub and Firestore emulators', () => {
  let topology: CompiledTopology;
  let pubsub: PubSub;
  let firestore: Firestore;
  let server: Server;
  let baseUrl: string;
  /** Handler calls per text. */
  const calls = new Map<string, number>();
  /** Echoed texts whose next publish succeeds and then throws (the reply is lost after Pub/Sub stored it). */
  const throwAfterPublish = new Set<string>();
  /** Keys whose next complete and release fail: the instance "dies" between publish and completion. */
  const crashAfterPublish = new Set<string>();
  const claims: Array<{ key: string; state: string; at: number }> = [];

  beforeAll(async () => {
    const project = uniqueProject('idem-rt');
    topology = compileTopology(toyDefinition, { project });
    pubsub = emulatorClient(project);
    firestore = firestoreClient(project);
    const real = new FirestoreIdempotencyStore(firestore, { collection: 'idempotency', windowMillis: 600_000, leaseMillis: () => LEASE_MILLIS });
    const store: IdempotencyStore = {
      claim: async (stage, key, now) => {
        const result = await real.claim(stage, key, now);
        claims.push({ key, state: result.state, at: Date.now() });
        return result;
      },
      complete: async (stage, key, token, now) => {
        if (crashAfterPublish.has(key)) throw new Error('the instance died before completing');
        return real.complete(stage, key, token, now);
      },
      release: async (stage, key, token) => {
        if (crashAfterPublish.delete(key)) throw new Error('the instance died before releasing');
        return real.release(stage, key, token);
      },
    };
    const pubsubPublisher = createPubSubPublisher(emulatorClient(project));
    const publisher: Publisher = {
      ...pubsubPublisher,
      publish: async (topicName, message) => {
        const id = await pubsubPublisher.publish(topicName, message);
        const echoed = (JSON.parse(message.data.toString()) as { echoed?: string }).echoed ?? '';
        if (throwAfterPublish.delete(echoed)) throw new Error('DEADLINE_EXCEEDED: no reply from Pub/Sub');
        return id;
      },
    };
    const handler = createStageHandler(
      {
        stage: 'echo',
        input: inputSchema,
        expects: 'JSON {"text": string}',
        output: z.object({ echoed: z.string() }),
        loadDependencies: async () => ({}),
        handle: async (input) => {
          const count = (calls.get(input.text) ?? 0) + 1;
          calls.set(input.text, count);
          if (input.holdMillis > 0) await new Promise((resolve) => setTimeout(resolve, input.holdMillis));
          if (input.failFirst && count === 1) throw new RetryableError('the echo service is down');
          return { data: { echoed: input.text } };
        },
      },
      { topology, publisher, logger: createLogger({}, () => undefined), now: () => new Date(), idempotency: store },
    );
    functions.http('idemEcho', handler);
    server = getTestServer('idemEcho');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await provisionTopology(pubsub, topology, () => baseUrl);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await pubsub.close();
    await firestore.terminate();
  });

  const publish = (input: Record<string, unknown>, attributes: Record<string, string> = {}): Promise<string> =>
    pubsub.topic(topology.topics['input']!.name).publishMessage({ data: Buffer.from(JSON.stringify(input)), attributes });

  /** Every output echoing `text`, waiting `settleMillis` after the first for duplicates. */
  const outputsFor = async (text: string, settleMillis = 3_000): Promise<Collected[]> => {
    const received = await collect(pubsub, topology.subscriptions['outputAll']!.name, {
      until: (r) => r.some((m) => m.json<{ echoed: string }>().echoed === text),
      timeoutMillis: 30_000,
      settleMillis,
    });
    return received.filter((m) => m.json<{ echoed: string }>().echoed === text);
  };

  it('processes a request published twice with one idempotencyKey once: one output', async () => {
    // Act: published twice (two message ids) with one idempotencyKey.
    const ids = [await publish({ text: 'twice' }, { [ATTR.idempotencyKey]: 'twice-1' }), await publish({ text: 'twice' }, { [ATTR.idempotencyKey]: 'twice-1' })];
    const outputs = await outputsFor('twice');
    // Assess
    expect(new Set(ids).size).toBe(2);
    expect(outputs).toHaveLength(1);
    expect(outputs[0]?.attributes[ATTR.requestKey]).toBe('key:twice-1');
    expect(calls.get('twice')).toBe(1);
  });

  it('processes the same content published twice without an idempotencyKey as two requests: two outputs', async () => {
    // Act: two customers send the same text; nothing says they are one request.
    const ids = [await publish({ text: 'same words' }), await publish({ text: 'same words' })];
    const outputs = await outputsFor('same words', 4_000);
    // Assess: each keyed on its own ingress messageId.
    expect(outputs.map((m) => m.attributes[ATTR.requestKey]).sort()).toEqual(ids.map((id) => `message:${id}`).sort());
    expect(calls.get('same words')).toBe(2);
  });

  it('processes the redelivery of a retryable failure, once', async () => {
    await publish({ text: 'flaky-once', failFirst: true });
    const outputs = await outputsFor('flaky-once');
    expect(outputs).toHaveLength(1);
    expect(calls.get('flaky-once')).toBe(2);
  });

  it('lets only one of two concurrent pushes of one message publish', async () => {
    // Prepare: what Pub/Sub sends when it redelivers a message whose first delivery is still running.
    const body = pushBody({
      data: { text: 'concurrent', holdMillis: 1_000 },
      messageId: 'm-concurrent',
      subscription: topology.subscriptions[topology.stages['echo']!.subscription]!.path,
    });
    const push = (): Promise<number> =>
      fetch(`${baseUrl}${topology.stages['echo']!.pushPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (response) => response.status,
      );
    // Act
    const statuses = await Promise.all([push(), push()]);
    const redelivery = await push();
    const outputs = await outputsFor('concurrent');
    // Assess: one acknowledged after publishing, one told to retry; the later redelivery is a duplicate.
    expect(statuses.sort()).toEqual([204, 500]);
    expect(redelivery).toBe(204);
    expect(outputs).toHaveLength(1);
    expect(calls.get('concurrent')).toBe(1);
  });

  it('never loses a message whose publish reply was lost: it is reprocessed and published again', async () => {
    // Prepare
    throwAfterPublish.add('reply-lost');
    // Act
    await publish({ text: 'reply-lost' });
    const outputs = await outputsFor('reply-lost');
    // Assess: at least once (the next stage deduplicates the copy: both carry one request key), and never zero.
    expect(outputs).toHaveLength(2);
    expect(new Set(outputs.map((m) => m.attributes[ATTR.requestKey])).size).toBe(1);
    expect(calls.get('reply-lost')).toBe(2);
  });

  it('never loses a message when the instance dies between publish and completion: after the lease, it is reprocessed', async () => {
    // Prepare
    crashAfterPublish.add('key:crash-1');
    // Act
    const started = Date.now();
    await publish({ text: 'crash' }, { [ATTR.idempotencyKey]: 'crash-1' });
    const outputs = await outputsFor('crash', LEASE_MILLIS + 3_000);
    // Assess: redeliveries during the lease were refused (in-progress), then one took the claim over.
    const mine = claims.filter((c) => c.key === 'key:crash-1');
    const acquired = mine.filter((c) => c.state === 'acquired');
    expect(outputs).toHaveLength(2);
    expect(outputs.map((m) => m.attributes[ATTR.requestKey])).toEqual(['key:crash-1', 'key:crash-1']);
    expect(calls.get('crash')).toBe(2);
    expect(acquired).toHaveLength(2);
    expect(mine.some((c) => c.state === 'in-progress')).toBe(true);
    expect(acquired[1]!.at - acquired[0]!.at).toBeGreaterThanOrEqual(LEASE_MILLIS - 100);
    expect(acquired[1]!.at - started).toBeLessThan(LEASE_MILLIS + 15_000);
  });
});
