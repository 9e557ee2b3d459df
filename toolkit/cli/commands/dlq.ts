import { UsageError } from '../usage-error';
import { processIo, type DlqIo } from './dlq-io';
import { dlqListCommand, DLQ_LIST_USAGE } from './dlq-list';
import { dlqPurgeCommand, DLQ_PURGE_USAGE } from './dlq-purge';
import { dlqReplayCommand, DLQ_REPLAY_USAGE } from './dlq-replay';

/** Usage of `dlq`. */
export const DLQ_USAGE = `Usage: aipipe dlq <list|replay|purge> [options]

Dead letters: messages a stage could never process, or that ran out of delivery attempts.

  list      list dead letters (paged) without consuming them
  replay    republish selected dead letters to the topic they came from (redrive)
  purge     delete every dead letter

Run \`aipipe dlq <subcommand> --help\` for its options.
`;

const SUBCOMMANDS: Record<string, { run: (argv: readonly string[], io: DlqIo) => Promise<number>; usage: string }> = {
  list: { run: dlqListCommand, usage: DLQ_LIST_USAGE },
  replay: { run: dlqReplayCommand, usage: DLQ_REPLAY_USAGE },
  purge: { run: dlqPurgeCommand, usage: DLQ_PURGE_USAGE },
};

/** `aipipe dlq <subcommand>`: returns the exit code. */
export async function dlqCommand(argv: readonly string[], io: DlqIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    io.out.write(DLQ_USAGE);
    return 0;
  }
  const subcommand = name ? SUBCOMMANDS[name] : undefined;
  if (!subcommand) throw new UsageError(name ? `unknown subcommand "${name}"; expected one of ${Object.keys(SUBCOMMANDS).join(', ')}` : `expected a subcommand: ${Object.keys(SUBCOMMANDS).join(', ')}`);
  try {
    return await subcommand.run(rest, io);
  } catch (error) {
    // main prints the usage of `dlq`; name the subcommand so its own --help is one step away.
    if (error instanceof UsageError) throw new UsageError(`${name}: ${error.message} (see \`aipipe dlq ${name} --help\`)`);
    throw error;
  }
}
