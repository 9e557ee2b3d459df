/**
 * Reproduces the emulator gap behind `functions/local/provision.ts` giving stage subscriptions no retry policy:
 * with one, the emulator stops redelivering some messages that Google Cloud would redeliver.
 *
 *   node --import tsx scripts/emulator-gaps/retry-policy.ts
 *
 * On a fresh Pub/Sub emulator, each case runs on a subscription without and with a retry policy (10 s..600 s):
 * - push: 1,000 messages to a local endpoint that answers 500 twice to every fifth message, then 204;
 * - pull: 200 messages held (not acked) by a streaming-pull subscriber that is then killed with SIGKILL.
 * It prints how many messages were finally handled within 90 s.
 *
 * Measured with emulator 0.8.20: push 1,000 of 1,000 in 6 s without a policy, 804-820 with one (10 s..600 s,
 * 1 s..10 s and 0 s..0 s alike: the twice-nacked ones never come a third time); pull 200 of 200 without a
 * policy, 105-110 with one.
 * Google Cloud redelivers them all.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PubSub } from '@google-cloud/pubsub';
import { freePort } from '../../toolkit/local/ports';
import { startPubSubEmulator } from '../../toolkit/local/pubsub-emulator';

const WAIT_MILLIS = 90_000;
const RETRY_POLICY = { minimumBackoff: { seconds: 10 }, maximumBackoff: { seconds: 600 } };

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

/** Push: every fifth message is answered 500 twice; returns how many got their 204 within the wait. */
async function pushNackedTwice(pubsub: PubSub, name: string, retryPolicy: boolean): Promise<number> {
  const total = 1_000;
  const attempts = new Map<string, number>();
  const done = new Set<string>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const id = Buffer.from((JSON.parse(body) as { message: { data: string } }).message.data, 'base64').toString();
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      if (Number(id) % 5 === 0 && attempt <= 2) return void res.writeHead(500).end();
      done.add(id);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    const [topic] = await pubsub.createTopic(`gap-push-${name}`);
    const pushEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await topic.createSubscription(`gap-push-${name}`, { ackDeadlineSeconds: 30, pushConfig: { pushEndpoint }, ...(retryPolicy ? { retryPolicy: RETRY_POLICY } : {}) });
    await Promise.all(Array.from({ length: total }, (_, i) => topic.publishMessage({ data: Buffer.from(String(i)) })));
    const deadline = Date.now() + WAIT_MILLIS;
    while (done.size < total && Date.now() < deadline) await sleep(500);
    return done.size;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** The child of `pullKilled`: streams the subscription, holds what it gets without acking, until it is killed. */
async function holdMessages(project: string, subscription: string): Promise<void> {
  const pubsub = new PubSub({ projectId: project });
  let held = 0;
  pubsub.subscription(subscription, { flowControl: { maxMessages: 10, allowExcessMessages: false } }).on('message', () => {
    held += 1;
    if (held === 1) process.stdout.write('holding\n');
  });
  await new Promise(() => undefined);
}

/** Pull: a subscriber holding the messages is killed; returns how many a second subscriber got within the wait. */
async function pullKilled(pubsub: PubSub, name: string, retryPolicy: boolean): Promise<number> {
  const total = 200;
  const [topic] = await pubsub.createTopic(`gap-pull-${name}`);
  await topic.createSubscription(`gap-pull-${name}`, { ackDeadlineSeconds: 10, ...(retryPolicy ? { retryPolicy: RETRY_POLICY } : {}) });
  await Promise.all(Array.from({ length: total }, (_, i) => topic.publishMessage({ data: Buffer.from(String(i)) })));
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, 'hold', pubsub.projectId, `gap-pull-${name}`], { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('holding') && resolve()));
  child.kill('SIGKILL');
  const seen = new Set<string>();
  const subscription = pubsub.subscription(`gap-pull-${name}`);
  subscription.on('message', (message) => {
    seen.add(message.data.toString());
    message.ack();
  });
  await sleep(WAIT_MILLIS);
  await subscription.close();
  return seen.size;
}

async function main(): Promise<void> {
  const emulator = await startPubSubEmulator({ hostPort: `127.0.0.1:${await freePort()}` });
  process.env['PUBSUB_EMULATOR_HOST'] = emulator.hostPort;
  const pubsub = new PubSub({ projectId: 'emulator-gap', apiEndpoint: emulator.hostPort, emulatorMode: true });
  try {
    for (const retryPolicy of [false, true]) {
      const label = retryPolicy ? 'with a retry policy   ' : 'without a retry policy';
      const name = retryPolicy ? 'retry' : 'plain';
      process.stdout.write(`push, ${label}: ${await pushNackedTwice(pubsub, name, retryPolicy)} of 1000 handled within ${WAIT_MILLIS / 1000} s (every fifth answered 500 twice first)\n`);
      process.stdout.write(`pull, ${label}: ${await pullKilled(pubsub, name, retryPolicy)} of 200 redelivered within ${WAIT_MILLIS / 1000} s after the subscriber was killed\n`);
    }
  } finally {
    await pubsub.close();
    await emulator.stop();
  }
}

if (process.argv[2] === 'hold') void holdMessages(process.argv[3] as string, process.argv[4] as string);
else
  void main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
