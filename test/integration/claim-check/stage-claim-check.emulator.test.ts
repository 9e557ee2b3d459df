/**
 * Claim check through the stage runtime on the real Pub/Sub emulator: a 3 MB text request is published by
 * reference (as `aipipe publish` does it), a toy stage served by functions-framework receives it through a push
 * subscription, the runtime resolves the reference, and the stage's 3 MB result is stored and published by
 * reference, readable from the store. Run with both stores: Cloud Storage (the real client against the local
 * JSON API of test/support/fake-gcs-server.ts) and a local directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Message, PubSub } from '@google-cloud/pubsub';
import { z } from 'zod';
import { createFilePayloadStore } from '../../../toolkit/core/claim-check/file-store';
import { createGcsPayloadStore } from '../../../toolkit/core/claim-check/gcs-store';
import { checkIn } from '../../../toolkit/core/claim-check/publish';
import { provisionTopology } from '../../../toolkit/local/provision';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import type { CompiledTopology } from '../../../toolkit/core/pipeline/topology';
import type { PayloadStore } from '../../../toolkit/core/runtime/hooks';
import { createLogger } from '../../../toolkit/core/runtime/logger';
import { createPubSubPublisher, type Publisher } from '../../../toolkit/core/runtime/publisher';
import { createStageHandler } from '../../../toolkit/core/runtime/stage-handler';
import { emulatorClient, uniqueProject } from '../../support/emulator';
import { startFakeGcsServer, type FakeGcsServer } from '../../support/fake-gcs-server';
import { toyPipeline } from '../../support/toy-pipeline';

jest.setTimeout(90_000);

const claimPipeline = toyPipeline({ name: 'cctest', stage: 'shout', entryPoint: 'cctestShout', description: 'upper-cases a text', timeoutSeconds: 20 });

/** Receives one message from a subscription (acknowledged), or fails after `timeoutMillis`. */
async function receiveOne(pubsub: PubSub, subscription: string, timeoutMillis: number): Promise<Message> {
  const sub = pubsub.subscription(subscription);
  try {
    return await new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing arrived on ${subscription} within ${timeoutMillis} ms`)), timeoutMillis);
      sub.on('message', (message: Message) => {
        clearTimeout(timer);
        message.ack();
        resolve(message);
      });
      sub.on('error', reject);
    });
  } finally {
    sub.removeAllListeners('message');
    await sub.close();
  }
}

describe.each(['gcs', 'file'] as const)('claim check through the stage runtime (%s store)', (kind) => {
  let topology: CompiledTopology;
  let pubsub: PubSub;
  let publisher: Publisher;
  let server: Server;
  let store: PayloadStore;
  let fake: FakeGcsServer | undefined;
  let directory: string | undefined;
  const previousHost = process.env.STORAGE_EMULATOR_HOST;
  const entryPoint = `cctestShout_${kind}`;

  beforeAll(async () => {
    const project = uniqueProject(`cc-${kind}`);
    topology = compileTopology(claimPipeline, { project });
    pubsub = emulatorClient(project);
    publisher = createPubSubPublisher(emulatorClient(project));
    if (kind === 'gcs') {
      fake = await startFakeGcsServer();
      fake.createBucket('cctest-claims');
      process.env.STORAGE_EMULATOR_HOST = fake.url;
      store = createGcsPayloadStore({ bucket: 'cctest-claims', thresholdBytes: 512 * 1024 });
    } else {
      directory = await mkdtemp(join(tmpdir(), 'claim-check-'));
      store = createFilePayloadStore({ directory, thresholdBytes: 512 * 1024 });
    }
    const handler = createStageHandler(
      {
        stage: 'shout',
        input: z.object({ text: z.string() }).strict(),
        expects: 'JSON {"text": string}',
        output: z.object({ shouted: z.string(), length: z.number() }),
        loadDependencies: async () => ({}),
        handle: (input) => ({ data: { shouted: input.text.toUpperCase(), length: input.text.length } }),
      },
      { topology, publisher, logger: createLogger({}, () => undefined), now: () => new Date(), payloads: store },
    );
    functions.http(entryPoint, handler);
    server = getTestServer(entryPoint);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await provisionTopology(pubsub, topology, () => `http://127.0.0.1:${port}`);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await publisher.close();
    await pubsub.close();
    await fake?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
    if (previousHost === undefined) delete process.env.STORAGE_EMULATOR_HOST;
    else process.env.STORAGE_EMULATOR_HOST = previousHost;
  });

  it('carries a 3 MB request and its 3 MB result by reference', async () => {
    // Prepare: 3 MB of text, published by reference as `aipipe publish` does above the threshold.
    const text = 'claim check keeps large payloads out of messages. '.repeat(Math.ceil((3 * 1024 * 1024) / 50));
    const request = Buffer.from(JSON.stringify({ text }));
    const message = await checkIn({ data: request, attributes: { [ATTR.correlationId]: `big-${kind}` } }, store, { stage: 'publish', correlationId: `big-${kind}` });
    // Act
    await pubsub.topic(topology.topics['input']!.name).publishMessage({ data: message.data, attributes: { ...message.attributes } });
    const result = await receiveOne(pubsub, topology.subscriptions['outputAll']!.name, 60_000);
    // Assess: the message itself is small, the payload is in the store.
    expect(message.data.length).toBe(0);
    expect(message.attributes[ATTR.claimCheck]).toMatch(kind === 'gcs' ? /^gs:\/\/cctest-claims\/claim-check\/sha256\/[0-9a-f]{64}$/ : /^file:\/\/\/.*\/sha256\/[0-9a-f]{64}$/);
    expect(result.attributes[ATTR.correlationId]).toBe(`big-${kind}`);
    expect(result.data.length).toBe(0);
    const reference = result.attributes[ATTR.claimCheck];
    expect(reference).toBeDefined();
    expect(reference).not.toBe(message.attributes[ATTR.claimCheck]);
    const output = JSON.parse((await store.get(reference as string)).toString('utf8')) as { shouted: string; length: number };
    expect(output.length).toBe(text.length);
    expect(output.shouted).toBe(text.toUpperCase());
  });

  it('dead-letters a reference that can never resolve, with the reason', async () => {
    // Prepare
    const missing = kind === 'gcs' ? `gs://cctest-claims/claim-check/sha256/${'0'.repeat(64)}` : `file://${directory}/sha256/${'0'.repeat(64)}`;
    // Act
    await pubsub.topic(topology.topics['input']!.name).publishMessage({ data: Buffer.alloc(0), attributes: { [ATTR.claimCheck]: missing, [ATTR.correlationId]: `missing-${kind}` } });
    const dead = await receiveOne(pubsub, topology.subscriptions['deadAll']!.name, 30_000);
    // Assess
    expect(dead.attributes[ATTR.correlationId]).toBe(`missing-${kind}`);
    expect(dead.attributes[ATTR.dlqReason]).toBe('PERMANENT_FAILURE');
    expect(dead.attributes[ATTR.dlqError]).toContain('does not exist');
    expect(dead.attributes[ATTR.claimCheck]).toBe(missing);
  });
});
