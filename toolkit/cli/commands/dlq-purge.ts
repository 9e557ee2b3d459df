import { createInterface } from 'node:readline';
import { purgeDeadLetters } from '../../core/dead-letters/purge';
import { deadLetterSubscription } from '../../core/dead-letters/scan';
import { CONNECTION_OPTIONS, parseCommandArgs } from '../args';
import { connect } from '../connection';
import { CommandError, UsageError } from '../usage-error';
import { asCommand, processIo, type DlqIo } from './dlq-io';

/** Usage of `dlq purge`. */
export const DLQ_PURGE_USAGE = `Usage: aipipe dlq purge [--yes]

Deletes every dead letter that is in the dead-letter subscription now (acknowledges them); dead letters that
arrive while it runs stay. There is no undo. On a terminal it asks you to type the subscription's name; in
scripts (stdin not a terminal) pass --yes, or it refuses. Prints a JSON summary.

  --yes                   do not ask
  --cloud, --project, --prefix   as for publish
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  yes: { type: 'boolean', default: false },
} as const;

/** Asks for the subscription's name on the terminal; true when it was typed exactly. */
async function confirm(io: DlqIo, subscription: string): Promise<boolean> {
  const rl = createInterface({ input: io.input, output: io.err, terminal: false });
  try {
    io.err.write(`This deletes every dead letter in ${subscription}; there is no undo.\nType the subscription name to confirm: `);
    const answer = await new Promise<string | undefined>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(undefined));
    });
    return answer?.trim() === subscription;
  } finally {
    rl.close();
  }
}

/** `aipipe dlq purge`: returns the exit code. */
export async function dlqPurgeCommand(argv: readonly string[], io: DlqIo = processIo()): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    io.out.write(DLQ_PURGE_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"; purge deletes every dead letter and takes no selector`);
  if (!values.yes && !io.input.isTTY) {
    throw new UsageError('stdin is not a terminal, so purge cannot ask for confirmation; pass --yes to delete every dead letter without asking');
  }
  const connection = await connect(values);
  try {
    const subscription = deadLetterSubscription(connection.topology).name;
    if (!values.yes && !(await confirm(io, subscription))) throw new CommandError(`not confirmed (expected "${subscription}"); nothing was deleted`);
    const summary = await asCommand(() => purgeDeadLetters(connection.pubsub, connection.topology));
    io.out.write(`${JSON.stringify(summary)}\n`);
    return 0;
  } finally {
    await connection.close();
  }
}
