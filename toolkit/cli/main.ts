/**
 * The command line: `aipipe <command> [options]` (also `npm run cli -- <command>`).
 * Exit codes: 0 success, 1 the command failed, 2 it was called wrongly.
 */
import { existsSync } from 'node:fs';
import { PipelineError } from '../core/runtime/errors';
import { CommandError, UsageError } from './usage-error';

/** Top-level usage. */
export const USAGE = `Usage: aipipe <command> [options]

Commands:
  publish   publish a text, a JSON value, a file or a JSONL file to the ingress topic
  tail      stream a results or dead-letter subscription
  dlq       list, replay (redrive) or purge dead letters
  worker    run a stage as a streaming-pull worker (pull delivery)
  new       scaffold a stage (aipipe new stage <name> --consumes TOPIC --to TOPIC)

Run \`aipipe <command> --help\` for a command's options. The emulator is found through PUBSUB_EMULATOR_HOST or a
running \`npm start\`; pass --cloud to use Google Cloud.
`;

/** A command, loaded only when it runs: the Google clients it needs take longer to load than `--help` may. */
interface Command {
  readonly run: (argv: readonly string[]) => Promise<number>;
  readonly usage: string;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const COMMANDS: Record<string, () => Command> = {
  publish: () => {
    const m = require('./commands/publish') as typeof import('./commands/publish');
    return { run: (argv) => m.publishCommand(argv), usage: m.PUBLISH_USAGE };
  },
  tail: () => {
    const m = require('./commands/tail') as typeof import('./commands/tail');
    return { run: (argv) => m.tailCommand(argv), usage: m.TAIL_USAGE };
  },
  dlq: () => {
    const m = require('./commands/dlq') as typeof import('./commands/dlq');
    return { run: (argv) => m.dlqCommand(argv), usage: m.DLQ_USAGE };
  },
  new: () => {
    const m = require('./commands/new') as typeof import('./commands/new');
    return { run: (argv) => m.newCommand(argv), usage: m.NEW_USAGE };
  },
  worker: () => {
    const m = require('./commands/worker') as typeof import('./commands/worker');
    return { run: (argv) => m.workerCommand(argv), usage: m.WORKER_COMMAND_USAGE };
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Runs the command line with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`aipipe: unknown command "${name}"; expected one of ${Object.keys(COMMANDS).join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const command = load();
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`aipipe ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof CommandError || error instanceof PipelineError) {
      process.stderr.write(`aipipe ${name}: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`aipipe ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  // Like npm start, read .env from the working directory; real environment variables win.
  if (existsSync('.env')) process.loadEnvFile('.env');
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
