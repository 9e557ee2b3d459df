/**
 * `aipipe dlq list | replay | purge` as a user runs them, against the default pipeline's topology in a fresh
 * project on the real emulator (found through PUBSUB_EMULATOR_HOST, chosen with --project). Dead letters are made
 * as the runtime makes them (buildDeadLetter), published to the dead-letter topic; replays are observed on an
 * extra pull subscription of the ingress topic.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { Message, PubSub } from '@google-cloud/pubsub';
import { dlqCommand } from '../../../toolkit/cli/commands/dlq';
import type { DlqIo } from '../../../toolkit/cli/commands/dlq-io';
import { CommandError } from '../../../toolkit/cli/usage-error';
import { provisionTopology } from '../../../toolkit/local/provision';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import { definition as pipeline } from '../../../functions/definition';
import type { CompiledTopology } from '../../../toolkit/core/pipeline/topology';
import { buildDeadLetter } from '../../../toolkit/core/runtime/dead-letter';
import { InvalidJsonError, InvalidOutputError } from '../../../toolkit/core/runtime/errors';
import { emulatorClient, uniqueProject } from '../../support/emulator';
import { receivedMessage } from '../../support/factories/received-message';

jest.setTimeout(90_000);

/** Streams for a command; `typed` is what the user types on a terminal. */
function io(options: { tty?: boolean; typed?: string } = {}): DlqIo & { stdout: () => string; stderr: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  const outChunks: string[] = [];
  const errChunks: string[] = [];
  out.on('data', (chunk: Buffer) => outChunks.push(chunk.toString()));
  err.on('data', (chunk: Buffer) => errChunks.push(chunk.toString()));
  const input = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  if (options.typed !== undefined) input.write(options.typed);
  return { out, err, input, stdout: () => outChunks.join(''), stderr: () => errChunks.join('') };
}

describe('aipipe dlq on the Pub/Sub emulator', () => {
  let project: string;
  let topology: CompiledTopology;
  let pubsub: PubSub;
  let stagesStandIn: Server;
  const observer = 'observe-ingress';

  const list = async (...flags: string[]): Promise<{ deadLetters: Array<Record<string, unknown>>; nextPageToken?: string }> => {
    const streams = io();
    expect(await dlqCommand(['list', '--project', project, '--json', ...flags], streams)).toBe(0);
    return JSON.parse(streams.stdout()) as { deadLetters: Array<Record<string, unknown>>; nextPageToken?: string };
  };

  const deadLetter = (text: string, correlationId: string, error: Error & { code: string }) =>
    buildDeadLetter(receivedMessage({ data: Buffer.from(text), attributes: { [ATTR.correlationId]: correlationId }, messageId: `src-${correlationId}` }), error as never, {
      stage: 'language',
      subscription: topology.subscriptions[topology.stages['language']!.subscription]!.path,
      sourceTopic: topology.topics[topology.ingress]!.name,
      now: new Date('2024-05-01T12:00:00.000Z'),
    });

  beforeAll(async () => {
    project = uniqueProject('dlqcli');
    topology = compileTopology(pipeline, { project });
    pubsub = emulatorClient(project);
    // No stage servers: the push endpoints point at a stand-in that acknowledges everything, so that what a
    // replay publishes to the ingress topic is consumed and not dead-lettered again by Pub/Sub (an endpoint that
    // refuses the connection is retried about once a second on the emulator, then dead-lettered after 10 attempts).
    stagesStandIn = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((resolve) => stagesStandIn.listen(0, '127.0.0.1', () => resolve()));
    await provisionTopology(pubsub, topology, () => `http://127.0.0.1:${(stagesStandIn.address() as AddressInfo).port}`);
    await pubsub.topic(topology.topics[topology.ingress]!.name).createSubscription(observer);
    const deadLetters = pubsub.topic(topology.topics[topology.deadLetter]!.name);
    for (const [text, id, error] of [
      ['{not json', 'cli-1', new InvalidJsonError('message data is not JSON')],
      ['{"text":"a bug"}', 'cli-2', new InvalidOutputError('stage language produced an invalid result')],
    ] as const) {
      const letter = deadLetter(text, id, error);
      await deadLetters.publishMessage({ data: letter.data, attributes: { ...letter.attributes } });
    }
  });

  afterAll(async () => {
    await pubsub.close();
    stagesStandIn.closeAllConnections();
    await new Promise((resolve) => stagesStandIn.close(resolve));
  });

  it('lists the dead letters twice with the same ids: listing consumes nothing', async () => {
    const first = await list();
    const second = await list();
    expect(first.deadLetters.map((d) => d['correlationId']).sort()).toEqual(['cli-1', 'cli-2']);
    expect(second.deadLetters.map((d) => d['messageId'])).toEqual(first.deadLetters.map((d) => d['messageId']));
    expect(first.deadLetters.find((d) => d['correlationId'] === 'cli-1')).toMatchObject({ reason: 'INVALID_JSON', stage: 'language', data: '{not json', sourceMessageId: 'src-cli-1' });
  });

  it('prints a readable table with the reason, stage, attempts, time, correlation id and message id', async () => {
    const streams = io();
    await dlqCommand(['list', '--project', project, '--reason', 'INVALID_OUTPUT'], streams);
    const lines = streams.stdout().split('\n');
    expect(lines[0]).toMatch(/^REASON\s+STAGE\s+ATTEMPTS\s+DEAD-LETTERED AT\s+CORRELATION ID\s+MESSAGE ID$/);
    expect(lines[1]).toMatch(/^INVALID_OUTPUT\s+language\s+-\s+2024-05-01T12:00:00.000Z\s+cli-2\s+\d+$/);
    expect(streams.stdout()).toContain('1 of 1 shown');
  });

  it('pages with --limit and --page-token', async () => {
    const first = await list('--limit', '1');
    const second = await list('--limit', '1', '--page-token', first.nextPageToken ?? '');
    expect(first.deadLetters).toHaveLength(1);
    expect(second.deadLetters).toHaveLength(1);
    expect(second.nextPageToken).toBeUndefined();
    expect(new Set([first.deadLetters[0]?.['messageId'], second.deadLetters[0]?.['messageId']]).size).toBe(2);
  });

  it('replay --dry-run reports and changes nothing', async () => {
    const streams = io();
    expect(await dlqCommand(['replay', '--project', project, '--all', '--dry-run'], streams)).toBe(0);
    expect(JSON.parse(streams.stdout())).toMatchObject({ dryRun: true, selected: 2, wouldReplay: 2, replayed: 0 });
    expect((await list()).deadLetters).toHaveLength(2);
  });

  it('replay without a selector is refused', async () => {
    await expect(dlqCommand(['replay', '--project', project], io())).rejects.toThrow(/pass --all to replay every dead letter/);
  });

  it('replays one reason to the ingress topic and removes only that dead letter', async () => {
    // Act
    const streams = io();
    expect(await dlqCommand(['replay', '--project', project, '--reason', 'INVALID_JSON', '--rate', '50'], streams)).toBe(0);
    const replayed = await new Promise<Message>((resolve) => {
      const subscription = pubsub.subscription(observer);
      subscription.once('message', (message: Message) => {
        message.ack();
        void subscription.close().then(() => resolve(message));
      });
    });
    // Assess
    expect(JSON.parse(streams.stdout())).toMatchObject({ selected: 1, replayed: 1, failed: 0 });
    expect(replayed.data.toString()).toBe('{not json');
    // A dead letter without a request key gets one from its source message, the same for every replay of it.
    expect(replayed.attributes).toEqual({ [ATTR.correlationId]: 'cli-1', [ATTR.replayCount]: '1', [ATTR.requestKey]: 'message:src-cli-1' });
    expect((await list()).deadLetters.map((d) => d['correlationId'])).toEqual(['cli-2']);
  });

  it('purge asks on a terminal, and deletes nothing when the answer is wrong', async () => {
    const wrong = io({ tty: true, typed: 'yes\n' });
    await expect(dlqCommand(['purge', '--project', project], wrong)).rejects.toBeInstanceOf(CommandError);
    expect(wrong.stderr()).toContain('Type the subscription name to confirm');
    expect((await list()).deadLetters).toHaveLength(1);
  });

  it('purge deletes every dead letter once the subscription name is typed, and --yes needs no terminal', async () => {
    // Act
    const confirmed = io({ tty: true, typed: `${topology.subscriptions[topology.deadLetterSubscription]!.name}\n` });
    expect(await dlqCommand(['purge', '--project', project], confirmed)).toBe(0);
    const empty = await list();
    const again = io();
    expect(await dlqCommand(['purge', '--project', project, '--yes'], again)).toBe(0);
    // Assess
    expect(JSON.parse(confirmed.stdout())).toMatchObject({ purged: 1, kept: 0 });
    expect(empty.deadLetters).toHaveLength(0);
    expect(JSON.parse(again.stdout())).toMatchObject({ purged: 0 });
  });
});
