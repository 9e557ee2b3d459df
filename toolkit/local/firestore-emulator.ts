import { findEmulator, startEmulator, type EmulatorHandle, type EmulatorOptions, type EmulatorSpec } from './emulator';

/** How to install the emulator, for the error shown when it is missing. */
export const FIRESTORE_EMULATOR_INSTALL_HINT = [
  'The Firestore emulator is not installed. Install it with one of:',
  '  gcloud components install cloud-firestore-emulator',
  '  sudo apt-get install google-cloud-cli-firestore-emulator     (Debian/Ubuntu package installs of the CLI)',
  'or point FIRESTORE_EMULATOR_BIN at its launch script (…/platform/cloud-firestore-emulator/cloud_firestore_emulator),',
  'or start one yourself (gcloud emulators firestore start) and set FIRESTORE_EMULATOR_HOST=127.0.0.1:8080,',
  'or set IDEMPOTENCY_STORE=memory (one process only) or none (no deduplication).',
].join('\n');

/**
 * Options of `startFirestoreEmulator`. JVM options are passed as JAVA_TOOL_OPTIONS (the launch script has no
 * variable of its own for them; every JVM reads this one).
 */
export type FirestoreEmulatorOptions = EmulatorOptions;

/** The emulator's launch script: the configured one, or the one in the installed Google Cloud CLI. */
export function findFirestoreEmulator(bin?: string): string {
  return findEmulator(FIRESTORE_EMULATOR, bin);
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
 * The official Firestore emulator. The launch script runs Java as its child; the emulator also opens a WebSocket
 * port for its UI, left to it (it picks a free one).
 */
const FIRESTORE_EMULATOR: EmulatorSpec = {
  title: 'Firestore emulator',
  processName: 'firestore-emulator',
  binVariable: 'FIRESTORE_EMULATOR_BIN',
  sdkPath: 'cloud-firestore-emulator/cloud_firestore_emulator',
  installHint: FIRESTORE_EMULATOR_INSTALL_HINT,
  javaEnv: (javaOptions) => ({ JAVA_TOOL_OPTIONS: javaOptions }),
  // The JVM took 2 to 16 s to answer on a loaded 2-core machine; leave room for that.
  readyTimeoutMillis: 60_000,
  isAnswering: (hostPort) => isFirestoreEmulatorAnswering(hostPort),
};

/** Uses the Firestore emulator already answering at `hostPort`, or starts the official one there (or on a free port). */
export function startFirestoreEmulator(options: FirestoreEmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulator(FIRESTORE_EMULATOR, options);
}
