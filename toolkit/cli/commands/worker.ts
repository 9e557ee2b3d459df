import { WORKER_FLAG_OPTIONS, WORKER_FLAGS_USAGE } from '../../core/worker/config';
import { runWorker } from '../../core/worker/main';
import { CONNECTION_OPTIONS, parseCommandArgs } from '../args';
import { connect } from '../connection';
import { cliPipeline } from '../pipeline-file';
import { UsageError } from '../usage-error';

/** Usage of `worker`. */
export const WORKER_COMMAND_USAGE = `Usage: aipipe worker <stage> [options]

Runs one stage as a streaming-pull worker on its pull subscription until Ctrl-C or SIGTERM, then finishes what is
in flight. The subscription must exist: \`npm start -- --mode pull\` (or PIPELINE_DELIVERY=pull) creates it locally.
See docs/delivery-modes.md for when to choose pull over push.

  <stage>                 a stage key of the pipeline
${WORKER_FLAGS_USAGE}
  --cloud, --project, --prefix   as for publish
`;

const OPTIONS = { ...CONNECTION_OPTIONS, ...WORKER_FLAG_OPTIONS } as const;

/** `aipipe worker`: resolves the target like every command, then runs `npm run worker`'s code in this process. */
export async function workerCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    out.write(WORKER_COMMAND_USAGE);
    return 0;
  }
  const [stage, ...extra] = positionals;
  const pipeline = cliPipeline();
  if (!stage) throw new UsageError(`which stage? expected one of ${pipeline.stageKeys.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`expected one stage, got ${positionals.join(' ')}`);
  const connection = await connect(values);
  await connection.close();
  // The stage runtime reads its target from the environment, as a deployed worker does; the client library reads
  // PUBSUB_EMULATOR_HOST from this process's environment, so set (or, for --cloud, clear) it there.
  if (connection.emulatorHost) process.env['PUBSUB_EMULATOR_HOST'] = connection.emulatorHost;
  else delete process.env['PUBSUB_EMULATOR_HOST'];
  const env = { ...process.env, GOOGLE_CLOUD_PROJECT: connection.topology.project, PIPELINE_PREFIX: connection.topology.prefix };
  const workerArgv = [stage];
  for (const name of Object.keys(WORKER_FLAG_OPTIONS) as (keyof typeof WORKER_FLAG_OPTIONS)[]) {
    const value = values[name];
    if (value !== undefined) workerArgv.push(`--${name}`, value);
  }
  return runWorker(pipeline, workerArgv, env);
}
