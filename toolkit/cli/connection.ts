import { PubSub } from '@google-cloud/pubsub';
import type { CompiledTopology } from '../core/pipeline/topology';
import { DEFAULT_LOCAL_PROJECT } from '../local/local-config';
import { isPubSubEmulatorAnswering } from '../local/pubsub-emulator';
import { readLocalState } from '../local/state-file';
import { cliPipeline } from './pipeline-file';
import { CommandError } from './usage-error';

/** Where the command line sends its requests. */
export interface Connection {
  readonly pubsub: PubSub;
  readonly topology: CompiledTopology;
  /** `host:port` of the emulator, or undefined for Google Cloud. */
  readonly emulatorHost?: string;
  close(): Promise<void>;
}

/** Flags that pick the target. */
export interface ConnectionFlags {
  readonly cloud?: boolean;
  readonly project?: string;
  readonly prefix?: string;
}

/**
 * Resolves the target, in this order: `--cloud` (Google Cloud with Application Default Credentials);
 * `PUBSUB_EMULATOR_HOST`; the emulator a running `npm start` recorded. Fails with a message that says how to
 * get an emulator when none answers.
 */
export async function connect(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
  const state = flags.cloud ? undefined : readLocalState();
  const emulatorHost = flags.cloud ? undefined : (env['PUBSUB_EMULATOR_HOST'] ?? state?.emulatorHost);
  const project = flags.project ?? env['GOOGLE_CLOUD_PROJECT'] ?? state?.project ?? (flags.cloud ? undefined : DEFAULT_LOCAL_PROJECT);
  const prefix = flags.prefix ?? env['PIPELINE_PREFIX'] ?? state?.prefix ?? '';
  if (!project) throw new CommandError('--cloud needs a project: set GOOGLE_CLOUD_PROJECT or pass --project');
  if (!flags.cloud) {
    // No metadata server next to an emulator; without this the client probes for one and warns.
    process.env['METADATA_SERVER_DETECTION'] ??= 'none';
    if (!emulatorHost) {
      throw new CommandError('no Pub/Sub emulator to talk to: run `npm start` in another terminal, or set PUBSUB_EMULATOR_HOST=host:port; to use Google Cloud pass --cloud');
    }
    if (!(await isPubSubEmulatorAnswering(emulatorHost))) {
      throw new CommandError(`no Pub/Sub emulator is reachable at ${emulatorHost}${env['PUBSUB_EMULATOR_HOST'] ? ' (PUBSUB_EMULATOR_HOST)' : ''}: start one with \`npm start\` or fix the address`);
    }
  }
  const topology = cliPipeline(env).compile({ project, prefix });
  const pubsub = flags.cloud
    ? new PubSub({ projectId: project })
    : new PubSub({ projectId: project, apiEndpoint: emulatorHost, emulatorMode: true });
  return { pubsub, topology, emulatorHost, close: () => pubsub.close() };
}
