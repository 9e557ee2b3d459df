import { SingleBar } from 'cli-progress';
import { replayDeadLetters } from '../../core/dead-letters/replay';
import { selectsAll } from '../../core/dead-letters/selection';
import { CONNECTION_OPTIONS, parseCommandArgs, parsePositiveInt } from '../args';
import { connect } from '../connection';
import { UsageError } from '../usage-error';
import { asCommand, parsePositiveNumber, processIo, SELECTION_OPTIONS, selectionFrom, type DlqIo } from './dlq-io';

/** Usage of `dlq replay`. */
export const DLQ_REPLAY_USAGE = `Usage: aipipe dlq replay (--id ID | --reason CODE | --stage KEY | --filter FILTER | --all) [options]

Redrives dead letters: republishes each selected one to the topic it came from, with its original data,
attributes and ordering key, and removes it from the dead-letter subscription once the republish is confirmed.
The replay carries replayCount (1, 2, ...) so that stages do not drop it as a duplicate of the failed attempt;
correlationId stays the same. Fix the cause first: a replay that fails again is dead-lettered again.
Prints a JSON summary; dead letters not selected, or whose republish failed, stay where they are.

  --id ID                 this dead letter (its messageId, or the original messageId); repeatable
  --reason CODE           every dead letter with this reason, e.g. INVALID_OUTPUT, RETRIES_EXHAUSTED; repeatable
  --stage KEY             every dead letter of this stage; repeatable
  --filter FILTER         every dead letter matching a Pub/Sub filter over its attributes
  --all                   every dead letter (required when no selector is given)
  --dry-run               show what would be replayed; change nothing
  --rate N                republish at most N messages a second (default: as fast as Pub/Sub accepts)
  --scan-max N            read at most N messages of the subscription (default 10000)
  --cloud, --project, --prefix   as for publish
Selectors combine with AND; a repeated selector matches any of its values.
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...SELECTION_OPTIONS,
  all: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  rate: { type: 'string' },
  'scan-max': { type: 'string' },
} as const;

/** `aipipe dlq replay`: returns the exit code (1 when any republish failed). */
export async function dlqReplayCommand(argv: readonly string[], io: DlqIo = processIo()): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    io.out.write(DLQ_REPLAY_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"; select dead letters with --id, --reason, --stage, --filter or --all`);
  const ratePerSecond = parsePositiveNumber('rate', values.rate);
  const scanMax = parsePositiveInt('scan-max', values['scan-max']);
  const connection = await connect(values);
  try {
    const selection = selectionFrom(values, Object.keys(connection.topology.stages));
    if (selectsAll(selection) && !values.all) throw new UsageError('select what to replay with --id, --reason, --stage or --filter, or pass --all to replay every dead letter');
    if (!selectsAll(selection) && values.all) throw new UsageError('--all replays every dead letter; it cannot be combined with --id, --reason, --stage or --filter');
    const dryRun = values['dry-run'];
    let bar: SingleBar | undefined;
    const summary = await asCommand(() =>
      replayDeadLetters(connection.pubsub, connection.topology, {
        selection,
        all: values.all,
        dryRun,
        ratePerSecond,
        scanMax,
        onProgress: (done, total) => {
          if (!io.err.isTTY || dryRun) return;
          if (!bar) {
            bar = new SingleBar({ format: 'replaying [{bar}] {value}/{total} {eta_formatted}', stream: io.err as NodeJS.WriteStream });
            bar.start(total, 0);
          }
          bar.update(done);
        },
      }),
    ).finally(() => bar?.stop());
    io.out.write(`${JSON.stringify(summary)}\n`);
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await connection.close();
  }
}
