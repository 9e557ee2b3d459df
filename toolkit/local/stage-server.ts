import { join } from 'node:path';
import type { Pipeline } from '../core/pipeline-app/create-pipeline';
import type { CompiledStage } from '../core/pipeline/topology';
import { startTsProcess, type ManagedProcess } from './processes';

/** A functions-framework server running one stage. */
export interface StageServer {
  readonly stage: string;
  readonly port: number;
  /** Base URL; push endpoints append the stage's `pushPath`. */
  readonly url: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** Options of `startStageServer`. */
export interface StageServerOptions {
  /** The pipeline the stage belongs to; the server loads it from `pipeline.file`. */
  readonly pipeline: Pipeline;
  readonly stage: CompiledStage;
  readonly port: number;
  /** Environment of the server: the runtime variables (GOOGLE_CLOUD_PROJECT, PIPELINE_PREFIX, PUBSUB_EMULATOR_HOST). */
  readonly env: NodeJS.ProcessEnv;
  readonly readyTimeoutMillis?: number;
  /** Receives each line the server logs (its structured JSON log lines). */
  readonly echo?: (line: string) => void;
}

const SERVE_STAGE = join(__dirname, 'serve-stage.ts');

/**
 * Starts one stage in its own Node.js process (as Cloud Functions runs one function per instance), TypeScript
 * loaded through tsx, and waits until its model is loaded and it listens.
 */
export async function startStageServer(options: StageServerOptions): Promise<StageServer> {
  const { stage, port } = options;
  const child = await startTsProcess(`stage ${stage.key}`, SERVE_STAGE, [options.pipeline.file, stage.entryPoint, String(port)], {
    env: { ...options.env, FUNCTION_TARGET: stage.entryPoint, PORT: String(port) },
    echo: options.echo,
    readyLine: `serving ${stage.entryPoint} on`,
    readyTimeoutMillis: options.readyTimeoutMillis ?? 30_000,
  });
  return { stage: stage.key, port, url: `http://127.0.0.1:${port}`, process: child, stop: () => child.stop() };
}
