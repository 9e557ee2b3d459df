import { existsSync } from 'node:fs';
import { findInSdk } from './gcloud-sdk';
import { freePort, parseHostPort } from './ports';
import { startProcess, waitUntil, type ManagedProcess } from './processes';

/** Raised when no emulator can be found; its message says how to install one. */
export class EmulatorNotInstalledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorNotInstalledError';
  }
}

/** A running (or reused) emulator. */
export interface EmulatorHandle {
  /** `host:port`, the value for `PUBSUB_EMULATOR_HOST` / `FIRESTORE_EMULATOR_HOST`. */
  readonly hostPort: string;
  /** False when an emulator already answering at the address was reused (and so is not ours to stop). */
  readonly started: boolean;
  readonly process?: ManagedProcess;
  stop(): Promise<void>;
}

/** Options of starting an emulator. */
export interface EmulatorOptions {
  /** Address to use or start on; a free port on 127.0.0.1 when absent. */
  readonly hostPort?: string;
  /** Launch script; found in the Google Cloud CLI when absent. */
  readonly bin?: string;
  /** JVM options; the heap is capped so a long local run cannot take the machine's memory. */
  readonly javaOptions?: string;
  readonly readyTimeoutMillis?: number;
  readonly echo?: (line: string) => void;
}

/** What differs between the official emulators; everything else is `startEmulator`'s. */
export interface EmulatorSpec {
  /** Human name for messages, e.g. `Pub/Sub emulator`. */
  readonly title: string;
  /** Process name for logs. */
  readonly processName: string;
  /** The variable that points at a launch script, named in the error when it is wrong. */
  readonly binVariable: string;
  /** The launch script's path below the Google Cloud CLI's `platform/`. */
  readonly sdkPath: string;
  readonly installHint: string;
  /** The environment that carries the JVM options to this emulator's launch script. */
  readonly javaEnv: (javaOptions: string) => Record<string, string>;
  readonly readyTimeoutMillis: number;
  isAnswering(hostPort: string): Promise<boolean>;
}

/** The emulator's launch script: the configured one, or the one in the installed Google Cloud CLI. */
export function findEmulator(spec: EmulatorSpec, bin?: string): string {
  if (bin) {
    if (!existsSync(bin)) throw new EmulatorNotInstalledError(`${spec.binVariable}=${bin} does not exist.\n${spec.installHint}`);
    return bin;
  }
  const found = findInSdk(spec.sdkPath);
  if (!found) throw new EmulatorNotInstalledError(spec.installHint);
  return found;
}

/**
 * Uses the emulator already answering at `hostPort`, or starts the official one there (or on a free port). The
 * launch script runs in its own process group with the JVM it starts, so `stop()` ends the JVM too.
 */
export async function startEmulator(spec: EmulatorSpec, options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  if (options.hostPort && (await spec.isAnswering(options.hostPort))) {
    return { hostPort: options.hostPort, started: false, stop: async () => undefined };
  }
  const bin = findEmulator(spec, options.bin);
  const { host, port } = options.hostPort ? parseHostPort(options.hostPort) : { host: '127.0.0.1', port: await freePort() };
  const hostPort = `${host}:${port}`;
  const child = startProcess(spec.processName, bin, [`--host=${host}`, `--port=${port}`], {
    env: { ...process.env, ...spec.javaEnv(options.javaOptions ?? '-Xmx512m') },
    echo: options.echo,
  });
  try {
    await waitUntil(`${spec.title} on ${hostPort}`, () => spec.isAnswering(hostPort), {
      timeoutMillis: options.readyTimeoutMillis ?? spec.readyTimeoutMillis,
      process: child,
    });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { hostPort, started: true, process: child, stop: () => child.stop() };
}
