/**
 * `npm start`: runs a pipeline on this machine and keeps it running until Ctrl-C or SIGTERM, then stops
 * everything it started (stage servers and the emulator's Java process). The pipeline is the file given with
 * `--pipeline` (package.json's start script gives the example's, functions/pipeline.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPipeline } from '../core/pipeline-app/create-pipeline';
import { parseLocalConfig } from './local-config';
import { EmulatorNotInstalledError } from './pubsub-emulator';
import { startLocalPipeline } from './runner';
import { removeLocalState, writeLocalState } from './state-file';
import { describeLocalPipeline } from './summary';
import { createLineEcho } from './log-echo';
import { startDashboardUnlessOff } from './dashboard/from-config';

async function main(): Promise<void> {
  const envFile = join(process.cwd(), '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  // Against the emulator there is no metadata server; without this the client probes for one and warns.
  process.env['METADATA_SERVER_DETECTION'] ??= 'none';
  // `npm start -- --mode pull` runs pull workers instead of push servers; the flag wins over PIPELINE_DELIVERY.
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { mode: { type: 'string' }, pipeline: { type: 'string' }, 'no-dashboard': { type: 'boolean' } },
    strict: true,
  });
  const pipelineFile = values.pipeline ?? process.env['PIPELINE_FILE'];
  if (!pipelineFile) throw new Error('which pipeline? pass --pipeline <file that exports it> (e.g. functions/pipeline.ts) or set PIPELINE_FILE');
  const pipeline = loadPipeline(pipelineFile);
  const config = parseLocalConfig(values.mode ? { ...process.env, PIPELINE_DELIVERY: values.mode } : process.env);
  const delivery = config.PIPELINE_DELIVERY;
  const emulators = config.IDEMPOTENCY_STORE === 'firestore' ? 'Pub/Sub and Firestore emulators' : 'Pub/Sub emulator';
  process.stdout.write(`Starting the local pipeline (${emulators} + one ${delivery === 'push' ? 'functions-framework server' : 'pull worker'} per stage)…\n`);
  const lineEcho = createLineEcho(config.LOG_FORMAT);
  // The dashboard starts once the topology is compiled; until then there are no messages to miss.
  let observe: ((source: string, line: string) => void) | undefined;
  const local = await startLocalPipeline({
    pipeline,
    project: config.GOOGLE_CLOUD_PROJECT,
    prefix: config.PIPELINE_PREFIX,
    emulatorHost: config.PUBSUB_EMULATOR_HOST,
    emulatorBin: config.PUBSUB_EMULATOR_BIN,
    emulatorJavaOptions: config.PUBSUB_EMULATOR_JAVA_OPTS,
    stageBasePort: config.STAGE_BASE_PORT,
    idempotencyStore: config.IDEMPOTENCY_STORE,
    firestoreHost: config.FIRESTORE_EMULATOR_HOST,
    firestoreBin: config.FIRESTORE_EMULATOR_BIN,
    firestoreJavaOptions: config.FIRESTORE_EMULATOR_JAVA_OPTS,
    echo: (source, line) => {
      lineEcho(source, line);
      observe?.(source, line);
    },
    delivery,
  });
  writeLocalState({
    emulatorHost: local.emulator.hostPort,
    project: local.topology.project,
    prefix: local.topology.prefix,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    stages: Object.fromEntries([
      ...local.servers.map((server) => [server.stage, local.endpoints[server.stage] ?? server.url]),
      ...local.workers.map((worker) => [worker.stage, `pull:${worker.subscription}`]),
    ]),
  });
  const dashboard = await startDashboardUnlessOff(local, values['no-dashboard'] ? 'off' : config.DASHBOARD_PORT);
  observe = dashboard?.observe;
  process.stdout.write(`${describeLocalPipeline(local, dashboard?.url)}\n`);
  if (local.workers.length > 0) {
    process.stdout.write(`  pull workers:\n${local.workers.map((w) => `    ${w.stage.padEnd(12)} pid ${w.process.pid}  ← ${w.subscription}`).join('\n')}\n`);
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    const emulators = [local.emulator, local.firestore].filter((handle) => handle?.started).length;
    process.stdout.write(`\n${signal}: stopping stage servers${emulators > 0 ? ` and ${emulators === 1 ? 'the emulator' : 'the emulators'}` : ''}…\n`);
    removeLocalState();
    void Promise.all([dashboard?.close(), local.stop()]).then(() => {
      process.stdout.write('Stopped.\n');
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGHUP'));
}

main().catch((error: unknown) => {
  const message = error instanceof EmulatorNotInstalledError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`npm start failed: ${message}\n`);
  process.exit(1);
});
