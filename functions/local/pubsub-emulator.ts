import { existsSync } from 'node:fs';
import { findInSdk } from './gcloud-sdk';
import { freePort, parseHostPort } from './ports';
import { startProcess, waitUntil, type ManagedProcess } from './processes';

/** How to install the emulator, for the error shown when it is missing. */
export const PUBSUB_EMULATOR_INSTALL_HINT = [
  'The Pub/Sub emulator is not installed. Install it with one of:',
  '  gcloud components install pubsub-emulator beta',
  '  sudo apt-get install google-cloud-cli-pubsub-emulator      (Debian/Ubuntu package installs of the CLI)',
  'or point PUBSUB_EMULATOR_BIN at its launch script (…/platform/pubsub-emulator/bin/cloud-pubsub-emulator),',
  'or start one yourself and set PUBSUB_EMULATOR_HOST=127.0.0.1:8085.',
].join('\n');

/** Raised when no emulator can be found; its message says how to install one. */
export class EmulatorNotInstalledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorNotInstalledError';
  }
}

/** A running (or reused) emulator. */
export interface EmulatorHandle {
  /** `host:port`, the value for `PUBSUB_EMULATOR_HOST`. */
  readonly hostPort: string;
  /** False when an emulator already answering at the address was reused (and so is not ours to stop). */
  readonly started: boolean;
  readonly process?: ManagedProcess;
  stop(): Promise<void>;
}

/** Options of `startPubSubEmulator`. */
export interface PubSubEmulatorOptions {
  /** Address to use or start on; a free port on 127.0.0.1 when absent. */
  readonly hostPort?: string;
  /** Launch script; found in the Google Cloud CLI when absent. */
  readonly bin?: string;
  /** JVM options. The heap is capped because the emulator grows past 1 GB under load otherwise. */
  readonly javaOptions?: string;
  readonly readyTimeoutMillis?: number;
  readonly echo?: (line: string) => void;
}

/** The emulator's launch script: the configured one, or the one in the installed Google Cloud CLI. */
export function findPubSubEmulator(bin?: string): string {
  if (bin) {
    if (!existsSync(bin)) throw new EmulatorNotInstalledError(`PUBSUB_EMULATOR_BIN=${bin} does not exist.\n${PUBSUB_EMULATOR_INSTALL_HINT}`);
    return bin;
  }
  const found = findInSdk('pubsub-emulator/bin/cloud-pubsub-emulator');
  if (!found) throw new EmulatorNotInstalledError(PUBSUB_EMULATOR_INSTALL_HINT);
  return found;
}

/** True when a Pub/Sub emulator answers at `hostPort` (its root URL answers `Ok`). */
export async function isPubSubEmulatorAnswering(hostPort: string, timeoutMillis = 1_000): Promise<boolean> {
  try {
    const response = await fetch(`http://${hostPort}/`, { signal: AbortSignal.timeout(timeoutMillis) });
    return response.ok && (await response.text()).trim() === 'Ok';
  } catch {
    return false;
  }
}

/**
 * Uses the emulator already answering at `hostPort`, or starts the official one there (or on a free port).
 * The launch script execs Java, and it runs in its own process group, so `stop()` ends the JVM too.
 */
export async function startPubSubEmulator(options: PubSubEmulatorOptions = {}): Promise<EmulatorHandle> {
  if (options.hostPort && (await isPubSubEmulatorAnswering(options.hostPort))) {
    return { hostPort: options.hostPort, started: false, stop: async () => undefined };
  }
  const bin = findPubSubEmulator(options.bin);
  const { host, port } = options.hostPort ? parseHostPort(options.hostPort) : { host: '127.0.0.1', port: await freePort() };
  const hostPort = `${host}:${port}`;
  const child = startProcess('pubsub-emulator', bin, [`--host=${host}`, `--port=${port}`], {
    env: { ...process.env, CLOUD_PUBSUB_EMULATOR_OPTS: options.javaOptions ?? '-Xmx512m' },
    echo: options.echo,
  });
  try {
    await waitUntil(`Pub/Sub emulator on ${hostPort}`, () => isPubSubEmulatorAnswering(hostPort), {
      timeoutMillis: options.readyTimeoutMillis ?? 30_000,
      process: child,
    });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { hostPort, started: true, process: child, stop: () => child.stop() };
}
