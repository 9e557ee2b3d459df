/**
 * `aipipe publish` with the claim check, against the default pipeline's ingress topic in a fresh project on the
 * real emulator: a payload over the threshold is stored first and published by reference; without a store, one
 * over 10 MB is refused with a message that says how to send it. `--ordering-key` also sets the attribute.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Message, PubSub } from '@google-cloud/pubsub';
import { createFilePayloadStore } from '../../../toolkit/core/claim-check/file-store';
import { publishCommand } from '../../../toolkit/cli/commands/publish';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import { definition as pipeline } from '../../../functions/definition';
import { LimitExceededError } from '../../../toolkit/core/runtime/errors';
import { emulatorClient, uniqueProject } from '../../support/emulator';

jest.setTimeout(60_000);

describe('aipipe publish with a claim check', () => {
  let project: string;
  let pubsub: PubSub;
  let directory: string;
  const saved = { dir: process.env.CLAIM_CHECK_DIR, threshold: process.env.CLAIM_CHECK_THRESHOLD_BYTES };

  beforeAll(async () => {
    project = uniqueProject('pubcc');
    pubsub = emulatorClient(project);
    const topology = compileTopology(pipeline, { project });
    const [topic] = await pubsub.createTopic(topology.topics[topology.ingress]!.name);
    await topic.createSubscription('observe', { enableMessageOrdering: true });
    directory = await mkdtemp(join(tmpdir(), 'publish-claims-'));
  });

  afterAll(async () => {
    await pubsub.close();
    await rm(directory, { recursive: true, force: true });
    for (const [name, value] of [['CLAIM_CHECK_DIR', saved.dir], ['CLAIM_CHECK_THRESHOLD_BYTES', saved.threshold]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  /** The next message with this correlationId (everything is acknowledged, so nothing comes back later). */
  const receive = (correlationId: string): Promise<Message> =>
    new Promise((resolve) => {
      const subscription = pubsub.subscription('observe');
      const onMessage = (message: Message): void => {
        message.ack();
        if (message.attributes[ATTR.correlationId] !== correlationId) return;
        subscription.removeListener('message', onMessage);
        void subscription.close().then(() => resolve(message));
      };
      subscription.on('message', onMessage);
    });

  it('stores a 2 MB file and publishes the reference, with the ordering key as key and attribute', async () => {
    // Prepare
    process.env.CLAIM_CHECK_DIR = directory;
    delete process.env.CLAIM_CHECK_THRESHOLD_BYTES;
    const file = join(directory, 'big.json');
    const payload = Buffer.from(JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) }));
    await writeFile(file, payload);
    const out = new PassThrough();
    // Act
    const code = await publishCommand(['--file', file, '--project', project, '--ordering-key', 'k-1', '--attr', `${ATTR.correlationId}=big-1`], out);
    const message = await receive('big-1');
    // Assess
    expect(code).toBe(0);
    expect(message.data.length).toBe(0);
    expect(message.orderingKey).toBe('k-1');
    expect(message.attributes).toMatchObject({ [ATTR.correlationId]: 'big-1', [ATTR.orderingKey]: 'k-1' });
    const reference = message.attributes[ATTR.claimCheck] as string;
    expect(reference).toMatch(/^file:\/\/\/.*\/sha256\/[0-9a-f]{64}$/);
    const stored = await createFilePayloadStore({ directory, thresholdBytes: 0 }).get(reference);
    expect(stored.equals(payload)).toBe(true);
  });

  it('keeps a payload under the threshold in the message', async () => {
    process.env.CLAIM_CHECK_DIR = directory;
    expect(await publishCommand(['small text', '--project', project, '--attr', `${ATTR.correlationId}=small-1`], new PassThrough())).toBe(0);
    const message = await receive('small-1');
    expect(JSON.parse(message.data.toString())).toEqual({ text: 'small text' });
    expect(message.attributes[ATTR.claimCheck]).toBeUndefined();
  });

  it('refuses a payload over 10 MB without a store, saying how to send it', async () => {
    // Prepare
    delete process.env.CLAIM_CHECK_DIR;
    const file = join(directory, 'huge.bin');
    await writeFile(file, Buffer.alloc(11 * 1024 * 1024, 1));
    // Act
    const failure = publishCommand(['--file', file, '--project', project], new PassThrough());
    // Assess
    await expect(failure).rejects.toBeInstanceOf(LimitExceededError);
    await expect(failure).rejects.toThrow(/set CLAIM_CHECK_BUCKET or CLAIM_CHECK_DIR.*10 MB/);
  });
});
