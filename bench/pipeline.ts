import type { Message } from '@google-cloud/pubsub';
import { PubSub } from '@google-cloud/pubsub';
import { startLocalPipeline } from '../toolkit/local/runner';
import { ATTR } from '../toolkit/core/pipeline/attributes';
import type { DeliveryMode } from '../toolkit/core/pipeline/topology';
import { pipeline as textPathPipeline } from './text-path-pipeline';
import { readTotalUsage } from './proc-usage';
import type { PipelineRun } from './report';
import { ingressTextMessage } from './samples';
import { summarize } from './stats';

/**
 * Arrivals per second once results flow: from the arrival of the first 10% to the last one, so that the time
 * the pipeline takes to fill (model warm-up, first batches) does not count as lack of throughput.
 */
export function steadyRate(arrivalMillis: readonly number[]): number {
  if (arrivalMillis.length < 2) return 0;
  const sorted = [...arrivalMillis].sort((a, b) => a - b);
  const from = Math.floor(sorted.length / 10);
  const seconds = ((sorted[sorted.length - 1] as number) - (sorted[from] as number)) / 1000;
  return seconds > 0 ? Math.round(((sorted.length - 1 - from) / seconds) * 10) / 10 : 0;
}

/** Options of `benchPipeline`. */
export interface PipelineBenchOptions {
  readonly delivery: DeliveryMode;
  /** The emulator to use (shared by the runs, each in a project of its own). */
  readonly emulatorHost: string;
  readonly messages: number;
  /** The run gives up waiting for results after this long. */
  readonly timeoutMillis: number;
  readonly log?: (line: string) => void;
}

/**
 * The text path of the pipeline through the emulator in push or pull delivery: start it as `npm start` does
 * (in-memory idempotency, so that the figures measure delivery and models rather than the Firestore emulator),
 * publish N English messages as fast as the client takes them, and time until every result has arrived on the
 * results subscription. Latency is per message, publish call to arrival.
 */
export async function benchPipeline(options: PipelineBenchOptions): Promise<PipelineRun> {
  const project = `bench-${options.delivery}-${process.pid}`.slice(0, 30);
  const local = await startLocalPipeline({
    project,
    emulatorHost: options.emulatorHost,
    pipeline: textPathPipeline,
    delivery: options.delivery,
    idempotencyStore: 'memory',
  });
  const pubsub = new PubSub({ projectId: project, apiEndpoint: options.emulatorHost, emulatorMode: true });
  const pids = [...local.servers.map((s) => s.process.pid), ...local.workers.map((w) => w.process.pid)];
  try {
    const { topology } = local;
    const results = pubsub.subscription(topology.subscriptions[topology.resultsSubscription ?? '']?.name ?? '', { flowControl: { maxMessages: 1000 } });
    const dead = pubsub.subscription(topology.subscriptions[topology.deadLetterSubscription]?.name ?? '', { flowControl: { maxMessages: 1000 } });
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const arrivals: number[] = [];
    let deadLetters = 0;
    let lastArrival = 0;
    const before = readTotalUsage(pids);
    const allArrived = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.timeoutMillis);
      const arrived = (): void => {
        if (latencies.length + deadLetters >= options.messages) {
          clearTimeout(timer);
          resolve();
        }
      };
      results.on('message', (message: Message) => {
        message.ack();
        const sent = sentAt.get(message.attributes[ATTR.correlationId] ?? '');
        if (sent === undefined) return;
        sentAt.delete(message.attributes[ATTR.correlationId] ?? '');
        lastArrival = performance.now();
        arrivals.push(lastArrival);
        latencies.push(lastArrival - sent);
        arrived();
      });
      dead.on('message', (message: Message) => {
        message.ack();
        deadLetters += 1;
        arrived();
      });
    });
    const ingress = pubsub.topic(topology.topics[topology.ingress]?.name ?? '');
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.messages }, (_, i) => {
        const message = ingressTextMessage(i);
        sentAt.set(message.attributes[ATTR.correlationId] as string, performance.now());
        return ingress.publishMessage({ data: message.data, attributes: message.attributes });
      }),
    );
    await allArrived;
    const after = readTotalUsage(pids);
    results.removeAllListeners('message');
    dead.removeAllListeners('message');
    await Promise.all([results.close(), dead.close()]);
    const received = latencies.length;
    const seconds = ((received > 0 ? lastArrival : performance.now()) - started) / 1000;
    const run: PipelineRun = {
      delivery: options.delivery,
      messages: options.messages,
      received,
      perSec: received > 0 ? Math.round((received / seconds) * 10) / 10 : 0,
      steadyPerSec: steadyRate(arrivals),
      seconds: Math.round(seconds * 100) / 100,
      latencyMs: summarize(latencies),
      cpuMsPerMsg: received > 0 ? Math.round(((after.cpuMillis - before.cpuMillis) / received) * 100) / 100 : 0,
      peakRssMb: Math.round(after.peakRssBytes / 2 ** 20),
      startupMs: local.startupMillis,
      ...(received + deadLetters < options.messages
        ? { error: `only ${received} results and ${deadLetters} dead letters of ${options.messages} within ${options.timeoutMillis} ms` }
        : deadLetters > 0
          ? { error: `${deadLetters} dead letters` }
          : {}),
    };
    options.log?.(`pipeline ${options.delivery}: ${run.received}/${run.messages} in ${run.seconds} s = ${run.perSec}/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms${run.error ? ` (${run.error})` : ''}`);
    return run;
  } finally {
    await pubsub.close();
    await local.stop();
  }
}
