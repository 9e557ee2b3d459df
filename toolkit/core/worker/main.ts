/**
 * The pull worker's process: `npm run worker -- <stage> [options]` (also `aipipe worker <stage>`). Streams the
 * stage's pull subscription and runs the stage on each message until SIGTERM or SIGINT, then stops pulling,
 * finishes and settles what is in flight, flushes the publisher and exits 0. Exits 1 when the subscription fails
 * for good (missing, no permission) and 2 when called wrongly.
 */
import { parseArgs } from 'node:util';
import { PubSub } from '@google-cloud/pubsub';
import { loadPipeline, type Pipeline } from '../pipeline-app/create-pipeline';
import { runtimeFromEnv } from '../runtime/http-function';
import { parseRuntimeEnv } from '../runtime/environment';
import { parseFaults, withFaults, withRuntimeFaults } from '../runtime/faults';
import { installTracingFromEnv } from '../runtime/tracing-setup';
import { parseWorkerConfig, WORKER_FLAG_OPTIONS, WORKER_FLAGS_USAGE } from './config';
import { WORKER_READY_MESSAGE } from './ready';
import { startStageWorker } from './stage-worker';

/** Usage of the worker for a pipeline's stages. */
export function workerUsage(stageKeys: readonly string[]): string {
  return `Usage: npm run worker -- <stage> [options]      (or: aipipe worker <stage> [options])

Runs one stage as a streaming-pull worker on the stage's pull subscription (see docs/delivery-modes.md).

  <stage>                 ${stageKeys.join(', ')}
${WORKER_FLAGS_USAGE}
Environment: GOOGLE_CLOUD_PROJECT (required), PIPELINE_PREFIX, PUBSUB_EMULATOR_HOST (for the emulator),
PIPELINE_FILE (run as a process of its own: the file that exports the pipeline).
`;
}

/** What `runWorker` needs from its surroundings (injected so tests can drive it). */
export interface WorkerIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Registers a handler for the stop signals; the default listens for SIGTERM and SIGINT. */
  readonly onStopSignal: (handler: (signal: string) => void) => void;
}

const processIo: WorkerIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  onStopSignal: (handler) => {
    process.once('SIGTERM', () => handler('SIGTERM'));
    process.once('SIGINT', () => handler('SIGINT'));
  },
};

/**
 * Runs a worker for a stage of `pipeline` as `argv` (without node and script) says, and resolves with the exit
 * code once it has stopped.
 */
export async function runWorker(pipeline: Pipeline, argv: readonly string[], env: NodeJS.ProcessEnv, io: WorkerIo = processIo): Promise<number> {
  const WORKER_USAGE = workerUsage(pipeline.stageKeys);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...WORKER_FLAG_OPTIONS, help: { type: 'boolean', short: 'h', default: false } }, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr.write(`worker: ${(error as Error).message}\n\n${WORKER_USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout.write(WORKER_USAGE);
    return 0;
  }
  let config;
  let runtimeEnv;
  let faults;
  try {
    if (parsed.positionals.length > 1) throw new Error(`expected one stage, got ${parsed.positionals.join(' ')}`);
    config = parseWorkerConfig({ ...parsed.values, stage: parsed.positionals[0] }, env);
    if (!pipeline.stageKeys.includes(config.stage)) throw new Error(`unknown stage "${config.stage}"; expected one of ${pipeline.stageKeys.join(', ')}`);
    runtimeEnv = parseRuntimeEnv(env);
    // PIPELINE_FAULTS injects failures for resilience tests, as in the push servers; unset in real deployments.
    faults = parseFaults(env['PIPELINE_FAULTS']);
  } catch (error) {
    io.stderr.write(`worker: ${(error as Error).message}\n\n${WORKER_USAGE}`);
    return 2;
  }

  const stageKey = config.stage;
  // The runtime a push function would get (publisher, logger, stores), with the topology that feeds this stage
  // by pull: the processor then records the pull subscription on dead letters.
  const base = runtimeFromEnv(pipeline.definition, env);
  // Before the first message: spans go where TRACING_EXPORTER says (runtime/tracing-setup.ts).
  const tracing = await installTracingFromEnv(env);
  const runtime = {
    ...withRuntimeFaults(base, stageKey, faults),
    topology: pipeline.compile({ project: runtimeEnv.GOOGLE_CLOUD_PROJECT, prefix: runtimeEnv.PIPELINE_PREFIX, delivery: { [stageKey]: 'pull' } }),
  };
  const subscriber = new PubSub({ projectId: runtimeEnv.GOOGLE_CLOUD_PROJECT });
  const closeClients = async (): Promise<void> => {
    await Promise.allSettled([runtime.publisher.close(), subscriber.close(), tracing.shutdown()]);
  };
  let worker;
  try {
    worker = await startStageWorker({ definition: withFaults(pipeline.loadStage(stageKey), faults), runtime, subscriber, config });
  } catch (error) {
    io.stderr.write(`worker ${stageKey}: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    await closeClients();
    return 1;
  }
  const started = worker;
  io.onStopSignal((signal) => {
    runtime.logger.info(`${signal}: stopping worker ${stageKey}: finishing ${started.inFlight()} in-flight messages`, { stage: stageKey, signal });
    void started.stop();
  });
  runtime.logger.info(`${WORKER_READY_MESSAGE} ${started.subscriptionName}`, {
    stage: stageKey,
    subscription: started.subscriptionName,
    maxMessages: config.maxMessages,
    maxBytes: config.maxBytes,
    streams: config.streams,
  });
  let code = 0;
  try {
    await started.done;
  } catch (error) {
    io.stderr.write(`worker ${stageKey}: ${error instanceof Error ? error.message : String(error)}\n`);
    code = 1;
  }
  // Results are published (awaited) before each ack, so only the clients are left to close.
  await closeClients();
  runtime.logger.info(`worker ${stageKey} stopped`, { stage: stageKey, counts: started.counts });
  return code;
}

if (require.main === module) {
  // As a process of its own (a Cloud Run worker pool, or npm start's pull mode), the pipeline comes from a file.
  const file = process.env['PIPELINE_FILE'];
  if (!file) {
    process.stderr.write('worker: PIPELINE_FILE is not set; expected the path of the file that exports the pipeline (e.g. functions/pipeline.ts)\n');
    process.exit(2);
  }
  void runWorker(loadPipeline(file), process.argv.slice(2), process.env).then((code) => {
    process.exit(code);
  });
}
