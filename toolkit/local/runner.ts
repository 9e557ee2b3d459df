import { PubSub } from '@google-cloud/pubsub';
import { localClaimCheckEnv } from '../core/claim-check';
import type { Pipeline } from '../core/pipeline-app/create-pipeline';
import type { CompiledStage, CompiledTopology, DeliveryMode } from '../core/pipeline/topology';
import type { IdempotencyStoreKind } from '../core/idempotency/config';
import { startFirestoreEmulator } from './firestore-emulator';
import { startFrontDoor, type FrontDoor } from './front-door';
import { freePort } from './ports';
import { startFilterRouter, type FilterRouter } from './filter-router';
import { provisionTopology } from './provision';
import { startPubSubEmulator, type EmulatorHandle } from './pubsub-emulator';
import { startStageServer, type StageServer } from './stage-server';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

/** Options of `startLocalPipeline`. */
export interface LocalPipelineOptions {
  readonly project: string;
  readonly prefix?: string;
  /** Use the emulator answering here, or start one here; a free port when absent. */
  readonly emulatorHost?: string;
  readonly emulatorBin?: string;
  readonly emulatorJavaOptions?: string;
  /** First stage server port (one per stage, consecutive); free ports when 0 or absent. Front doors take free ports. */
  readonly stageBasePort?: number;
  /**
   * The pipeline to run. Its stage servers and workers load it from `pipeline.file`, so they run exactly this
   * pipeline, stages included.
   */
  readonly pipeline: Pipeline;
  /** Receives every line the emulator and the stage servers print. */
  readonly echo?: (source: string, line: string) => void;
  /** Extra environment for the stage servers and workers (e.g. PIPELINE_FAULTS in fault-injection runs). */
  readonly stageEnv?: Readonly<Record<string, string>>;
  /**
   * `push` (default): one functions-framework server per stage behind a push subscription. `pull`: one pull worker
   * process per stage streaming its pull subscription (docs/delivery-modes.md).
   */
  readonly delivery?: DeliveryMode;
  /**
   * Where the stages keep their deduplication records: `firestore` (default) starts the Firestore emulator (or
   * uses the one answering at `firestoreHost`); `memory` and `none` start nothing.
   */
  readonly idempotencyStore?: IdempotencyStoreKind;
  /** Use the Firestore emulator answering here, or start one here; a free port when absent. */
  readonly firestoreHost?: string;
  readonly firestoreBin?: string;
  readonly firestoreJavaOptions?: string;
}

/** A running local pipeline. */
export interface LocalPipeline {
  readonly topology: CompiledTopology;
  readonly emulator: EmulatorHandle;
  /** The Firestore emulator holding the idempotency records; absent unless the store is `firestore`. */
  readonly firestore?: EmulatorHandle;
  readonly servers: readonly StageServer[];
  /**
   * Per stage in push delivery, the base URL its push subscription targets: a front door before the stage server
   * (functions/local/front-door.ts) that answers 503 while the server is down, as Google's front end does.
   */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Per stage in push delivery, the pushes its front door answered 503 (server down or crashed) or 504 (timeout). */
  frontDoorFailures(): Readonly<Record<string, { readonly unavailable: number; readonly timedOut: number }>>;
  /** The pull workers, in `pull` delivery (then `servers` is empty). */
  readonly workers: readonly WorkerProcess[];
  /** Milliseconds from the call to ready. */
  readonly startupMillis: number;
  /**
   * Crashes a stage (fault-injection runs): SIGKILL to its server's or worker's process group, no drain, in push
   * delivery the moment a push is in flight to it; then starts it again with the same environment (in push
   * delivery on the same port, behind the same front door), so the stage is down while it restarts. Resolves
   * once it is ready again.
   */
  crashStage(stage: string): Promise<void>;
  /** Stops every process this runner started (stage servers, then the emulator if it started it). */
  stop(): Promise<void>;
}

/**
 * Runs the pipeline on this machine: the official Pub/Sub emulator, the compiled topology created in it, and one
 * functions-framework server per stage fed by its push subscription through a front door (as Cloud Functions'
 * instances sit behind Google's front end), or one pull worker per stage. Everything started is stopped by `stop()`,
 * also when start-up fails half way.
 */
export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const started = Date.now();
  const delivery = options.delivery ?? 'push';
  const { pipeline } = options;
  const topology = pipeline.compile({ project: options.project, prefix: options.prefix ?? '', delivery });
  // In pull delivery the workers start after provisioning (they stream subscriptions that must exist).
  const stages = delivery === 'push' ? Object.values(topology.stages) : [];
  const servers: StageServer[] = [];
  const workers: WorkerProcess[] = [];
  const frontDoors = new Map<string, FrontDoor>();
  let emulator: EmulatorHandle | undefined;
  let firestore: EmulatorHandle | undefined;
  let filterRouter: FilterRouter | undefined;
  const echoFor = (source: string) => (options.echo ? (line: string) => options.echo?.(source, line) : undefined);
  const stopAll = async (): Promise<void> => {
    await Promise.all([...servers, ...workers].map((server) => server.stop()));
    await filterRouter?.stop();
    await Promise.all([emulator?.stop(), firestore?.stop(), ...[...frontDoors.values()].map((door) => door.close())]);
  };
  try {
    // Stage servers and the emulators start in parallel: the servers need them only once messages flow.
    const ports = await Promise.all(stages.map(async (_, index) => (options.stageBasePort ? options.stageBasePort + index : freePort())));
    const emulatorHostPort = options.emulatorHost ?? `127.0.0.1:${await freePort()}`;
    const emulatorReady = startPubSubEmulator({
      hostPort: emulatorHostPort,
      bin: options.emulatorBin,
      javaOptions: options.emulatorJavaOptions,
      echo: echoFor('emulator'),
    }).then((handle) => {
      emulator = handle;
    });
    const idempotencyStore = options.idempotencyStore ?? 'firestore';
    const firestoreHostPort = idempotencyStore === 'firestore' ? (options.firestoreHost ?? `127.0.0.1:${await freePort()}`) : undefined;
    const firestoreReady = firestoreHostPort
      ? startFirestoreEmulator({
          hostPort: firestoreHostPort,
          bin: options.firestoreBin,
          javaOptions: options.firestoreJavaOptions,
          echo: echoFor('firestore'),
        }).then((handle) => {
          firestore = handle;
        })
      : Promise.resolve();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GOOGLE_CLOUD_PROJECT: topology.project,
      PIPELINE_PREFIX: topology.prefix,
      PUBSUB_EMULATOR_HOST: emulatorHostPort,
      METADATA_SERVER_DETECTION: 'none',
      IDEMPOTENCY_STORE: idempotencyStore,
      // Large payloads by reference in .local/claim-check, unless CLAIM_CHECK_BUCKET or CLAIM_CHECK_DIR is set.
      ...localClaimCheckEnv(process.env),
      ...(firestoreHostPort ? { FIRESTORE_EMULATOR_HOST: firestoreHostPort } : {}),
      ...options.stageEnv,
    };
    // Each stage's settings from the definition, as its deployed function gets them (a variable the caller sets
    // in the environment still wins, as a per-deployment override would).
    const envOf = (stage: CompiledStage): NodeJS.ProcessEnv => ({ ...stage.environment, ...env });
    const portOf = new Map(stages.map((stage, index) => [stage.key, ports[index] as number]));
    const startServer = async (stage: CompiledStage): Promise<void> => {
      servers.push(await startStageServer({ pipeline, stage, port: portOf.get(stage.key) as number, env: envOf(stage), echo: echoFor(stage.key) }));
    };
    const startWorker = async (stage: CompiledStage): Promise<void> => {
      const subscription = topology.subscriptions[stage.subscription]?.name ?? stage.subscription;
      workers.push(await startWorkerProcess({ pipeline, stage, subscription, env: envOf(stage), echo: echoFor(stage.key) }));
    };
    const openFrontDoor = async (stage: CompiledStage): Promise<void> => {
      frontDoors.set(stage.key, await startFrontDoor({ targetPort: portOf.get(stage.key) as number, timeoutMillis: stage.timeoutSeconds * 1000 }));
    };
    await settleAll([emulatorReady, firestoreReady, ...stages.map(startServer), ...stages.map(openFrontDoor)]);
    const endpoints = Object.fromEntries([...frontDoors].map(([stage, door]) => [stage, door.url]));
    const pubsub = new PubSub({ projectId: topology.project, apiEndpoint: emulatorHostPort, emulatorMode: true });
    try {
      await provisionTopology(pubsub, topology, (stageKey) => endpoints[stageKey] ?? '');
    } finally {
      await pubsub.close();
    }
    // Filtered subscriptions hold for every client: the router feeds each only what matches its filter.
    filterRouter = startFilterRouter({ emulatorHost: emulatorHostPort, topology, echo: echoFor('filter-router') });
    if (delivery === 'pull') await settleAll(Object.values(topology.stages).map(startWorker));
    // SIGKILL, then forget it, so that stop() does not wait for it.
    const kill = async (victim: StageServer | WorkerProcess): Promise<void> => {
      await victim.process.kill();
      servers.splice(0, servers.length, ...servers.filter((server) => server !== victim));
      workers.splice(0, workers.length, ...workers.filter((worker) => worker !== victim));
    };
    const running = (stage: string): StageServer | WorkerProcess | undefined => [...servers, ...workers].find((process) => process.stage === stage);
    const compiledStage = (stage: string): CompiledStage => {
      const compiled = topology.stages[stage];
      if (!compiled) throw new Error(`unknown stage "${stage}"; expected one of ${Object.keys(topology.stages).join(', ')}`);
      return compiled;
    };
    return {
      topology,
      emulator: emulator as EmulatorHandle,
      firestore,
      servers,
      endpoints,
      frontDoorFailures: () => Object.fromEntries([...frontDoors].map(([stage, door]) => [stage, door.failures()])),
      workers,
      startupMillis: Date.now() - started,
      crashStage: async (stage) => {
        const compiled = compiledStage(stage);
        const victim = running(stage);
        if (!victim) throw new Error(`stage "${stage}" is not running`);
        const door = frontDoors.get(stage);
        // Crash it with a push in flight (within the timeout; an idle stage is simply killed): the cut-off push is
        // answered 503 by the front door, as is every push until the stage is back, and redelivered.
        let timer: NodeJS.Timeout | undefined;
        if (door) await Promise.race([door.nextRequestInFlight(), new Promise((resolve) => (timer = setTimeout(resolve, compiled.timeoutSeconds * 1000)))]);
        clearTimeout(timer);
        await kill(victim);
        await (delivery === 'push' ? startServer(compiled) : startWorker(compiled));
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Waits for every start-up to settle (so that each started process is recorded and can be stopped), then throws
 * the first failure, if any.
 */
async function settleAll(startups: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(startups);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}
