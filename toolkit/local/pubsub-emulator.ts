import { findEmulator, startEmulator, type EmulatorHandle, type EmulatorOptions, type EmulatorSpec } from './emulator';

export { EmulatorNotInstalledError, type EmulatorHandle } from './emulator';

/** How to install the emulator, for the error shown when it is missing. */
export const PUBSUB_EMULATOR_INSTALL_HINT = [
  'The Pub/Sub emulator is not installed. Install it with one of:',
  '  gcloud components install pubsub-emulator beta',
  '  sudo apt-get install google-cloud-cli-pubsub-emulator      (Debian/Ubuntu package installs of the CLI)',
  'or point PUBSUB_EMULATOR_BIN at its launch script (…/platform/pubsub-emulator/bin/cloud-pubsub-emulator),',
  'or start one yourself and set PUBSUB_EMULATOR_HOST=127.0.0.1:8085.',
].join('\n');

/** Options of `startPubSubEmulator`. The heap is capped because the emulator grows past 1 GB under load otherwise. */
export type PubSubEmulatorOptions = EmulatorOptions;

/** True when a Pub/Sub emulator answers at `hostPort` (its root URL answers `Ok`). */
export async function isPubSubEmulatorAnswering(hostPort: string, timeoutMillis = 1_000): Promise<boolean> {
  try {
    const response = await fetch(`http://${hostPort}/`, { signal: AbortSignal.timeout(timeoutMillis) });
    return response.ok && (await response.text()).trim() === 'Ok';
  } catch {
    return false;
  }
}

/** The official Pub/Sub emulator. Its launch script execs Java and reads JVM options from its own variable. */
const PUBSUB_EMULATOR: EmulatorSpec = {
  title: 'Pub/Sub emulator',
  processName: 'pubsub-emulator',
  binVariable: 'PUBSUB_EMULATOR_BIN',
  sdkPath: 'pubsub-emulator/bin/cloud-pubsub-emulator',
  installHint: PUBSUB_EMULATOR_INSTALL_HINT,
  javaEnv: (javaOptions) => ({ CLOUD_PUBSUB_EMULATOR_OPTS: javaOptions }),
  readyTimeoutMillis: 30_000,
  isAnswering: (hostPort) => isPubSubEmulatorAnswering(hostPort),
};

/** The emulator's launch script: the configured one, or the one in the installed Google Cloud CLI. */
export function findPubSubEmulator(bin?: string): string {
  return findEmulator(PUBSUB_EMULATOR, bin);
}

/** Uses the Pub/Sub emulator already answering at `hostPort`, or starts the official one there (or on a free port). */
export function startPubSubEmulator(options: PubSubEmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulator(PUBSUB_EMULATOR, options);
}
