import { existsSync } from 'node:fs';
import { findInSdk } from './gcloud-sdk';
import { freePort, parseHostPort } from './ports';
import { startProcess, waitUntil } from './processes';
import { EmulatorNotInstalledError, type EmulatorHandle } from './pubsub-emulator';

/** How to install the emulator, for the error shown when it is missing. */
export const FIRESTORE_EMULATOR_INSTALL_HINT = [
  'The Firestore emulator is not installed. Install it with one of:',
  '  gcloud components install cloud-firestore-emulator',
  '  sudo apt-get install google-cloud-cli-firestore-emulator     (Debian/Ubuntu package installs of the CLI)',
  'or point FIRESTORE_EMULATOR_BIN at its launch script (…/platform/cloud-firestore-emulator/cloud_firestore_emulator),',
  'or start one yourself (gcloud emulators firestore start) and set FIRESTORE_EMULATOR_HOST=127.0.0.1:8080,',
  'or set IDEMPOTENCY_STORE=memory (one process only) or none (no deduplication).',
].join('\n');

/** Options of `startFirestoreEmulator`. */
export interface FirestoreEmulatorOptions {
  /** Address to use or start on; a free port on 127.0.0.1 when absent. */
  readonly hostPort?: string;
  /** Launch script; found in the Google Cloud CLI when absent. */
  readonly bin?: string;
  /**
   * JVM options, passed as JAVA_TOOL_OPTIONS (the launch script has no variable of its own for them; every JVM
   * reads this one). The heap is capped so a long local run cannot take the machine's memory.
   */
  readonly javaOptions?: string;
  readonly readyTimeoutMillis?: number;
  readonly echo?: (line: string) => void;
}

/** The emulator's launch script: the configured one, or the one in the installed Google Cloud CLI. */
export function findFirestoreEmulator(bin?: string): string {
  if (bin) {
    if (!existsSync(bin)) throw new EmulatorNotInstalledError(`FIRESTORE_EMULATOR_BIN=${bin} does not exist.\n${FIRESTORE_EMULATOR_INSTALL_HINT}`);
    return bin;
  }
  const found = findInSdk('cloud-firestore-emulator/cloud_firestore_emulator');
  if (!found) throw new EmulatorNotInstalledError(FIRESTORE_EMULATOR_INSTALL_HINT);
  return found;
}

/**
 * True when a Firestore emulator answers at `hostPort`. Its root URL answers `Ok` like the Pub/Sub emulator's, so
 * the probe lists the documents of a collection instead: only Firestore answers that with a JSON object (empty),
 * and unlike asking for a missing document it does not make the emulator log a warning.
 */
export async function isFirestoreEmulatorAnswering(hostPort: string, timeoutMillis = 1_000): Promise<boolean> {
  try {
    const response = await fetch(`http://${hostPort}/v1/projects/readiness-probe/databases/(default)/documents/probe`, {
      signal: AbortSignal.timeout(timeoutMillis),
    });
    if (!response.ok || !response.headers.get('content-type')?.includes('application/json')) return false;
    const body: unknown = await response.json();
    return typeof body === 'object' && body !== null && !Array.isArray(body);
  } catch {
    return false;
  }
}

/**
 * Uses the Firestore emulator already answering at `hostPort`, or starts the official one there (or on a free
 * port). The launch script runs Java as its child; both are in their own process group, so `stop()` ends the
 * JVM too.
 */
export async function startFirestoreEmulator(options: FirestoreEmulatorOptions = {}): Promise<EmulatorHandle> {
  if (options.hostPort && (await isFirestoreEmulatorAnswering(options.hostPort))) {
    return { hostPort: options.hostPort, started: false, stop: async () => undefined };
  }
  const bin = findFirestoreEmulator(options.bin);
  const { host, port } = options.hostPort ? parseHostPort(options.hostPort) : { host: '127.0.0.1', port: await freePort() };
  const hostPort = `${host}:${port}`;
  // The emulator also opens a WebSocket port for its UI; left to it (it picks a free one).
  const child = startProcess('firestore-emulator', bin, [`--host=${host}`, `--port=${port}`], {
    env: { ...process.env, JAVA_TOOL_OPTIONS: options.javaOptions ?? '-Xmx512m' },
    echo: options.echo,
  });
  try {
    await waitUntil(`Firestore emulator on ${hostPort}`, () => isFirestoreEmulatorAnswering(hostPort), {
      // The JVM took 2 to 16 s to answer on a loaded 2-core machine; leave room for that.
      timeoutMillis: options.readyTimeoutMillis ?? 60_000,
      process: child,
    });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { hostPort, started: true, process: child, stop: () => child.stop() };
}
