/**
 * The command line: `aipipe <command> [options]` (also `npm run cli -- <command>`).
 * Exit codes: 0 success, 1 the command failed, 2 it was called wrongly.
 */
import { existsSync } from 'node:fs';
import { PipelineError } from '../core/runtime/errors';
import { dlqCommand, DLQ_USAGE } from './commands/dlq';
import { publishCommand, PUBLISH_USAGE } from './commands/publish';
import { tailCommand, TAIL_USAGE } from './commands/tail';
import { workerCommand, WORKER_COMMAND_USAGE } from './commands/worker';
import { CommandError, UsageError } from './usage-error';

/** Top-level usage. */
export const USAGE = `Usage: aipipe <command> [options]

Commands:
  publish   publish a text, a JSON value, a file or a JSONL file to the ingress topic
  tail      stream a results or dead-letter subscription
  dlq       list, replay (redrive) or purge dead letters
  worker    run a stage as a streaming-pull worker (pull delivery)

Run \`aipipe <command> --help\` for a command's options. The emulator is found through PUBSUB_EMULATOR_HOST or a
running \`npm start\`; pass --cloud to use Google Cloud.
`;

const COMMANDS: Record<string, { run: (argv: readonly string[]) => Promise<number>; usage: string }> = {
  publish: { run: (argv) => publishCommand(argv), usage: PUBLISH_USAGE },
  tail: { run: (argv) => tailCommand(argv), usage: TAIL_USAGE },
  dlq: { run: (argv) => dlqCommand(argv), usage: DLQ_USAGE },
  worker: { run: (argv) => workerCommand(argv), usage: WORKER_COMMAND_USAGE },
};

/** Runs the command line with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`aipipe: unknown command "${name}"; expected one of ${Object.keys(COMMANDS).join(', ')}\n\n${USAGE}`);
    return 2;
  }
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
