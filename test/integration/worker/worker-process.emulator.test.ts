/**
 * `npm run worker -- language` as a real process on the emulator, with the real CLD3 model: SIGTERM in the middle
 * of a stream of messages stops it cleanly (exit 0) after it has settled what it held, and a second worker picks
 * up the rest: every message ends up processed exactly once, none lost and none processed twice.
 */
import type { PubSub } from '@google-cloud/pubsub';
import { provisionTopology } from '../../../toolkit/local/provision';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import { definition as pipeline } from '../../../functions/definition';
import { pipeline as example } from '../../../functions/pipeline';
import type { CompiledTopology } from '../../../toolkit/core/pipeline/topology';
import { startWorkerProcess, type WorkerProcess } from '../../../toolkit/local/worker-process';
import { collectMany, type Collected } from '../../support/collect';
import { emulatorClient, emulatorHost, uniqueProject } from '../../support/emulator';
import { pipelineEnds } from '../../support/local-pipeline';

jest.setTimeout(120_000);

const COUNT = 2_000;
const TEXTS = ['Bonjour tout le monde, comment allez-vous aujourd’hui ?', 'This sentence is written in plain English for the test.', 'Das ist ein ganz normaler deutscher Satz zum Testen.'];

describe('worker process on the Pub/Sub emulator', () => {
  let topology: CompiledTopology;
  let pubsub: PubSub;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    topology = compileTopology(pipeline, { project: uniqueProject('wproc'), delivery: 'pull' });
    pubsub = emulatorClient(topology.project);
    await provisionTopology(pubsub, topology, () => '');
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await pubsub?.close();
  });

  const start = async (): Promise<WorkerProcess> => {
    const stage = topology.stages['language']!;
    const worker = await startWorkerProcess({
      pipeline: example,
      stage,
      subscription: topology.subscriptions[stage.subscription]!.name,
      env: { ...process.env, GOOGLE_CLOUD_PROJECT: topology.project, PIPELINE_PREFIX: '', PUBSUB_EMULATOR_HOST: emulatorHost(), WORKER_MAX_MESSAGES: '32' },
    });
    workers.push(worker);
    return worker;
  };

  /** The counts the worker logged when it stopped. */
  const stoppedCounts = (worker: WorkerProcess): Record<string, number> | undefined => {
    for (const line of worker.process.output().split('\n')) {
      if (!line.includes('worker language stopped')) continue;
      return (JSON.parse(line) as { counts: Record<string, number> }).counts;
    }
    return undefined;
  };

  it('drains on SIGTERM and exits 0; a second worker takes the rest, each message processed once', async () => {
    // Prepare: the language stage routes English to the nlp stage's subscription and the rest to results.
    const first = await start();
    const outputs = [pipelineEnds(topology).results, topology.subscriptions[topology.stages['nlp']!.subscription]!.name];
    const seen = (received: readonly Collected[]): Set<string> => new Set(received.map((m) => m.attributes[ATTR.correlationId] ?? ''));
    let stopping: Promise<void> | undefined;
    const collecting = collectMany(pubsub, outputs, {
      until: (received) => {
        // Stop the first worker in the middle of the stream.
        if (!stopping && received.length >= 100) stopping = first.stop();
        return seen(received).size >= COUNT;
      },
      timeoutMillis: 90_000,
      settleMillis: 3_000,
    });

    // Act
    const ingress = pubsub.topic(topology.topics[topology.ingress]!.name);
    await Promise.all(Array.from({ length: COUNT }, (_, i) => ingress.publishMessage({ json: { text: TEXTS[i % TEXTS.length], id: `m-${i}` }, attributes: { [ATTR.correlationId]: `m-${i}` } })));
    while (!stopping) await new Promise((resolve) => setTimeout(resolve, 50));
    await stopping;
    const exitCode = await first.process.exited;
    const firstCounts = stoppedCounts(first);
    await start();
    const received = await collecting;

    // Assess
    expect(exitCode).toBe(0);
    expect(firstCounts?.['published']).toBeGreaterThan(0);
    expect(firstCounts?.['published']).toBeLessThan(COUNT);
    const perMessage = new Map<string, number>();
    for (const m of received) perMessage.set(m.attributes[ATTR.correlationId] ?? '?', (perMessage.get(m.attributes[ATTR.correlationId] ?? '?') ?? 0) + 1);
    const lost = Array.from({ length: COUNT }, (_, i) => `m-${i}`).filter((id) => !perMessage.has(id));
    const duplicated = [...perMessage].filter(([, n]) => n > 1).map(([id]) => id);
    expect({ lost: lost.length, duplicated: duplicated.length }).toEqual({ lost: 0, duplicated: 0 });
    const english = received.filter((m) => m.attributes['lang'] === 'en');
    expect(english.length).toBeGreaterThan(0);
    expect(english.every((m) => m.subscription === outputs[1])).toBe(true);
  });
});
