import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A child process started in its own process group, so that it and everything it starts can be stopped. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Output so far (stdout and stderr interleaved), kept for error messages; capped. */
  output(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM to the whole group, then SIGKILL after `graceMillis`; resolves once the process has exited. */
  stop(graceMillis?: number): Promise<void>;
  /**
   * SIGKILL to the whole group at once, as a crash would end it (no drain, no flush); resolves once the process
   * has exited. Fault-injection runs use it.
   */
  kill(): Promise<void>;
}

const OUTPUT_CAP = 64 * 1024;

/**
 * Starts `command` detached (a new process group). Stopping signals the group, not just the pid: the Pub/Sub
 * emulator's Java process, or a server's workers, would otherwise outlive a killed wrapper.
 */
export function startProcess(name: string, command: string, args: readonly string[], options: SpawnOptions & { echo?: (line: string) => void } = {}): ManagedProcess {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const pid = child.pid;
  let buffer = '';
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    buffer = (buffer + text).slice(-OUTPUT_CAP);
    if (options.echo) for (const line of text.split('\n')) if (line.trim()) options.echo(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  let stopping: Promise<void> | undefined;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  return {
    name,
    pid,
    child,
    output: () => buffer,
    exited,
    stop(graceMillis = 5_000) {
      stopping ??= (async () => {
        signalGroup('SIGTERM');
        const timer = setTimeout(() => signalGroup('SIGKILL'), graceMillis);
        await exited;
        clearTimeout(timer);
        // The leader exiting does not mean its group did: make sure nothing it started lingers.
        signalGroup('SIGKILL');
      })();
      return stopping;
    },
    kill() {
      stopping ??= (async () => {
        signalGroup('SIGKILL');
        await exited;
      })();
      return stopping;
    },
  };
}

/** Polls `probe` until it resolves true, the process exits, or `timeoutMillis` passes. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, options: { timeoutMillis: number; process?: ManagedProcess; intervalMillis?: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMillis;
  let exitCode: number | null | undefined;
  void options.process?.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    if (exitCode !== undefined) {
      throw new Error(`${what}: ${options.process?.name} exited with code ${exitCode} before it was ready.\n${options.process?.output().slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMillis ?? 100));
  }
  throw new Error(`${what}: not ready after ${options.timeoutMillis} ms.\n${options.process?.output().slice(-4000) ?? ''}`);
}

/** Options of `startTsProcess`. */
export interface TsProcessOptions {
  readonly env: NodeJS.ProcessEnv;
  /** The process is ready once its output contains this. */
  readonly readyLine: string;
  readonly readyTimeoutMillis: number;
  readonly echo?: (line: string) => void;
}

/**
 * Runs a TypeScript entry point through tsx in its own process group (as `startProcess`) and waits until it
 * prints `readyLine`; a process that exits or never gets ready is stopped and the error says why.
 */
export async function startTsProcess(name: string, script: string, args: readonly string[], options: TsProcessOptions): Promise<ManagedProcess> {
  const child = startProcess(name, process.execPath, ['--import', 'tsx', script, ...args], { env: options.env, echo: options.echo });
  try {
    await waitUntil(name, async () => child.output().includes(options.readyLine), {
      timeoutMillis: options.readyTimeoutMillis,
      process: child,
      intervalMillis: 50,
    });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return child;
}
