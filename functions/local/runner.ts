import { PubSub } from '@google-cloud/pubsub';
import { compileTopology } from '../pipeline/compile';
import { pipeline } from '../pipeline/definition';
import type { CompiledTopology } from '../pipeline/topology';
import type { PipelineDefinition } from '../pipeline/types';
import { freePort } from './ports';
import { provisionTopology } from './provision';
import { startPubSubEmulator, type EmulatorHandle } from './pubsub-emulator';
import { startStageServer, type StageServer } from './stage-server';

/** Options of `startLocalPipeline`. */
export interface LocalPipelineOptions {
  readonly project: string;
  readonly prefix?: string;
  /** Use the emulator answering here, or start one here; a free port when absent. */
  readonly emulatorHost?: string;
  readonly emulatorBin?: string;
  readonly emulatorJavaOptions?: string;
  /** First stage port (one per stage, consecutive); free ports when 0 or absent. */
  readonly stageBasePort?: number;
  /** The pipeline to run; the default pipeline when absent (tests pass their own). */
  readonly definition?: PipelineDefinition;
  /** Receives every line the emulator and the stage servers print. */
  readonly echo?: (source: string, line: string) => void;
}

/** A running local pipeline. */
export interface LocalPipeline {
  readonly topology: CompiledTopology;
  readonly emulator: EmulatorHandle;
  readonly servers: readonly StageServer[];
  /** Milliseconds from the call to ready. */
  readonly startupMillis: number;
  /** Stops every process this runner started (stage servers, then the emulator if it started it). */
  stop(): Promise<void>;
}

/**
 * Runs the pipeline on this machine: the official Pub/Sub emulator, the compiled topology created in it, and one
 * functions-framework server per stage fed by its push subscription. Everything started is stopped by `stop()`,
 * also when start-up fails half way.
 */
export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const started = Date.now();
  const topology = compileTopology(options.definition ?? pipeline, { project: options.project, prefix: options.prefix ?? '' });
  const stages = Object.values(topology.stages);
  const servers: StageServer[] = [];
  let emulator: EmulatorHandle | undefined;
  const stopAll = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
    await emulator?.stop();
  };
  try {
    // Stage servers and the emulator start in parallel: the servers need the emulator only to publish.
    const ports = await Promise.all(stages.map(async (_, index) => (options.stageBasePort ? options.stageBasePort + index : freePort())));
    const emulatorHostPort = options.emulatorHost ?? `127.0.0.1:${await freePort()}`;
    const emulatorReady = startPubSubEmulator({
      hostPort: emulatorHostPort,
      bin: options.emulatorBin,
      javaOptions: options.emulatorJavaOptions,
      echo: options.echo ? (line) => options.echo?.('emulator', line) : undefined,
    }).then((handle) => {
      emulator = handle;
    });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GOOGLE_CLOUD_PROJECT: topology.project,
      PIPELINE_PREFIX: topology.prefix,
      PUBSUB_EMULATOR_HOST: emulatorHostPort,
      METADATA_SERVER_DETECTION: 'none',
    };
    const results = await Promise.allSettled([
      emulatorReady,
      ...stages.map((stage, index) =>
        startStageServer({
          stage,
          port: ports[index] as number,
          env,
          echo: options.echo ? (line) => options.echo?.(stage.key, line) : undefined,
        }).then((server) => {
          servers.push(server);
        }),
      ),
    ]);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    const pubsub = new PubSub({ projectId: topology.project, apiEndpoint: emulatorHostPort, emulatorMode: true });
    try {
      const urls = new Map(servers.map((server) => [server.stage, server.url]));
      await provisionTopology(pubsub, topology, (stageKey) => urls.get(stageKey) ?? '');
    } finally {
      await pubsub.close();
    }
    return { topology, emulator: emulator as EmulatorHandle, servers, startupMillis: Date.now() - started, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
