import { join } from 'node:path';
import { startTsProcess, type ManagedProcess } from './processes';
import type { Pipeline } from '../core/pipeline-app/create-pipeline';
import type { CompiledStage } from '../core/pipeline/topology';
import { WORKER_READY_MESSAGE } from '../core/worker/ready';

/** A pull worker running one stage in its own process. */
export interface WorkerProcess {
  readonly stage: string;
  /** Name of the pull subscription it streams. */
  readonly subscription: string;
  readonly process: ManagedProcess;
  /** SIGTERM (graceful: in-flight messages finish), then SIGKILL after the grace period. */
  stop(): Promise<void>;
}

/** Options of `startWorkerProcess`. */
export interface WorkerProcessOptions {
  /** The pipeline the stage belongs to; the worker loads it from `pipeline.file`. */
  readonly pipeline: Pipeline;
  /** The stage, compiled with `delivery: 'pull'`. */
  readonly stage: CompiledStage;
  /** Name of its pull subscription. */
  readonly subscription: string;
  /** Environment: GOOGLE_CLOUD_PROJECT, PIPELINE_PREFIX, PUBSUB_EMULATOR_HOST and any WORKER_* settings. */
  readonly env: NodeJS.ProcessEnv;
  readonly readyTimeoutMillis?: number;
  /** Receives each line the worker logs. */
  readonly echo?: (line: string) => void;
}

const WORKER_MAIN = join(__dirname, '..', 'core', 'worker', 'main.ts');

/**
 * Starts `npm run worker -- <stage>` as a child process in its own process group (one stage per process, as a
 * Cloud Run worker pool runs it) and waits until it pulls. `stop()` gives it the stage's timeout to drain.
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const { stage } = options;
  const child = await startTsProcess(`worker ${stage.key}`, WORKER_MAIN, [stage.key], {
    env: { ...options.env, PIPELINE_FILE: options.pipeline.file },
    echo: options.echo,
    readyLine: WORKER_READY_MESSAGE,
    readyTimeoutMillis: options.readyTimeoutMillis ?? 60_000,
  });
  // The worker drains for at most the stage's timeout; allow that plus the clients' close before SIGKILL.
  const graceMillis = (stage.timeoutSeconds + 5) * 1000;
  return { stage: stage.key, subscription: options.subscription, process: child, stop: () => child.stop(graceMillis) };
}
