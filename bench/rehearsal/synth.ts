/**
 * Synthesises the real app as `npm run synth` does: `cdktf synth` runs `cdktf/main.ts`, which builds the function
 * source from the working tree (scripts/build-functions.ts) and writes one stack per environment. Only the output
 * folder differs, so a test never overwrites the developer's cdktf.out.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A finished synth. */
export interface RealSynth {
  /** The output folder; stacks are in `<outDir>/stacks/<env>`. */
  readonly outDir: string;
  /** Names of the synthesised stacks. */
  readonly stacks: readonly string[];
  readonly durationMillis: number;
  /** What the CLI printed. */
  readonly output: string;
}

/** Raised when `cdktf synth` fails; the message holds its output (the build's errors among it). */
export class SynthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthError';
  }
}

/** Options of `synthesiseReal`. */
export interface RealSynthOptions {
  readonly repoRoot: string;
  readonly outDir: string;
  /** GOOGLE_CLOUD_PROJECT for every environment. */
  readonly project: string;
  readonly timeoutMillis: number;
}

/** Runs `cdktf synth --output <outDir>` in the repository with CHECKPOINT_DISABLE=1, as `npm run synth` does. */
export function synthesiseReal(options: RealSynthOptions): Promise<RealSynth> {
  const started = performance.now();
  const cli = path.join(options.repoRoot, 'node_modules', '.bin', 'cdktf');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    GOOGLE_CLOUD_PROJECT: options.project,
    // Both environments, whatever a developer's .env narrows them to (variables already set win over .env).
    PIPELINE_ENVIRONMENTS: 'dev,prod',
  };
  // The emulators' addresses mean nothing to synth; keep the run as close to a developer's as possible.
  delete env['PUBSUB_EMULATOR_HOST'];
  delete env['FIRESTORE_EMULATOR_HOST'];
  return new Promise((resolve, reject) => {
    const child = spawn(cli, ['synth', '--output', options.outDir], { cwd: options.repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(new SynthError(`cdktf synth did not finish within ${options.timeoutMillis} ms:\n${output}`));
    }, options.timeoutMillis);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new SynthError(`cannot run ${cli}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new SynthError(`cdktf synth failed (exit code ${code}):\n${output}`));
        return;
      }
      const stacksDir = path.join(options.outDir, 'stacks');
      const stacks = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).sort() : [];
      resolve({ outDir: options.outDir, stacks, durationMillis: performance.now() - started, output });
    });
  });
}
