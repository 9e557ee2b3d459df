/**
 * `npm start`: runs the whole pipeline on this machine and keeps it running until Ctrl-C or SIGTERM, then stops
 * everything it started (stage servers and the emulator's Java process).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseLocalConfig } from './local-config';
import { EmulatorNotInstalledError } from './pubsub-emulator';
import { startLocalPipeline } from './runner';
import { removeLocalState, writeLocalState } from './state-file';
import { describeLocalPipeline } from './summary';
import { createLineEcho } from './log-echo';

async function main(): Promise<void> {
  const envFile = join(process.cwd(), '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  // Against the emulator there is no metadata server; without this the client probes for one and warns.
  process.env['METADATA_SERVER_DETECTION'] ??= 'none';
  const config = parseLocalConfig(process.env);
  process.stdout.write('Starting the local pipeline (Pub/Sub emulator + one functions-framework server per stage)…\n');
  const local = await startLocalPipeline({
    project: config.GOOGLE_CLOUD_PROJECT,
    prefix: config.PIPELINE_PREFIX,
    emulatorHost: config.PUBSUB_EMULATOR_HOST,
    emulatorBin: config.PUBSUB_EMULATOR_BIN,
    emulatorJavaOptions: config.PUBSUB_EMULATOR_JAVA_OPTS,
    stageBasePort: config.STAGE_BASE_PORT,
    echo: createLineEcho(config.LOG_FORMAT),
  });
  writeLocalState({
    emulatorHost: local.emulator.hostPort,
    project: local.topology.project,
    prefix: local.topology.prefix,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    stages: Object.fromEntries(local.servers.map((server) => [server.stage, server.url])),
  });
  process.stdout.write(`${describeLocalPipeline(local)}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping stage servers${local.emulator.started ? ' and the emulator' : ''}…\n`);
    removeLocalState();
    void local.stop().then(() => {
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
