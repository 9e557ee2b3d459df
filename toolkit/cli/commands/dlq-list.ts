import { listDeadLetters } from '../../core/dead-letters/list';
import type { DeadLetter } from '../../core/dead-letters/source';
import { CONNECTION_OPTIONS, parseCommandArgs, parsePositiveInt } from '../args';
import { connect } from '../connection';
import { UsageError } from '../usage-error';
import { asCommand, dataForJson, formatTable, processIo, SELECTION_OPTIONS, selectionFrom, type DlqIo } from './dlq-io';

/** Usage of `dlq list`. */
export const DLQ_LIST_USAGE = `Usage: aipipe dlq list [options]

Lists dead letters, oldest first, without consuming them: every dead letter stays in the dead-letter subscription.
Pub/Sub has no peek, so this pulls the backlog, holds it while reading, and hands every message straight back
(modifyAckDeadline 0); other readers of that subscription do not see the messages for that moment.

  --limit N               dead letters per page (default 20)
  --page-token TOKEN      continue after the previous page (its nextPageToken)
  --id ID                 only this dead letter (its messageId, or the original messageId); repeatable
  --reason CODE           only this reason, e.g. INVALID_JSON, RETRIES_EXHAUSTED; repeatable
  --stage KEY             only dead letters of this stage; repeatable
  --filter FILTER         only those matching a Pub/Sub filter, e.g. 'attributes.dlqReason = "INVALID_INPUT"'
  --scan-max N            read at most N messages of the subscription (default 10000)
  --json                  print one JSON document with every field, attributes and data
  --cloud, --project, --prefix   as for publish
Reasons: the dlqReason a stage gave (INVALID_JSON, INVALID_INPUT, UNSUPPORTED_CONTENT, ...), or RETRIES_EXHAUSTED
when Pub/Sub dead-lettered the message after maxDeliveryAttempts failed deliveries.
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...SELECTION_OPTIONS,
  limit: { type: 'string' },
  'page-token': { type: 'string' },
  'scan-max': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

/** A dead letter as `dlq list --json` prints it (no ack id: it is meaningless once the command has ended). */
export function deadLetterJson(deadLetter: DeadLetter): Record<string, unknown> {
  const { pulled, data, attributes, ...fields } = deadLetter;
  return { ...fields, publishTime: pulled.publishTime, ...(pulled.orderingKey ? { messageOrderingKey: pulled.orderingKey } : {}), attributes, ...dataForJson(data) };
}

/** `aipipe dlq list`: returns the exit code. */
export async function dlqListCommand(argv: readonly string[], io: DlqIo = processIo()): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    io.out.write(DLQ_LIST_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const limit = parsePositiveInt('limit', values.limit);
  const scanMax = parsePositiveInt('scan-max', values['scan-max']);
  const connection = await connect(values);
  try {
    const selection = selectionFrom(values, Object.keys(connection.topology.stages));
    const page = await asCommand(() =>
      listDeadLetters(connection.pubsub, connection.topology, { limit, pageToken: values['page-token'], selection, scanMax }),
    );
    if (values.json) {
      const { deadLetters, ...rest } = page;
      io.out.write(`${JSON.stringify({ ...rest, count: deadLetters.length, deadLetters: deadLetters.map(deadLetterJson) })}\n`);
      return 0;
    }
    if (page.deadLetters.length === 0) {
      io.out.write(`No dead letters${page.scanned > 0 ? ' match' : ''} in ${page.subscription} (${page.scanned} read).\n`);
    } else {
      const rows = page.deadLetters.map((d) => [d.reason, d.stage ?? '-', d.attempts === undefined ? '-' : String(d.attempts), d.deadLetteredAt, d.correlationId ?? '-', d.messageId]);
      io.out.write(`${formatTable(['REASON', 'STAGE', 'ATTEMPTS', 'DEAD-LETTERED AT', 'CORRELATION ID', 'MESSAGE ID'], rows)}\n`);
      io.out.write(`\n${page.deadLetters.length} of ${page.remaining} shown (${page.scanned} read from ${page.subscription}; none consumed).\n`);
    }
    if (page.truncated) io.out.write(`Only the first ${page.scanned} messages were read; raise --scan-max to see the rest.\n`);
    if (page.nextPageToken) io.out.write(`Next page: the same command with --page-token ${page.nextPageToken}\n`);
    return 0;
  } finally {
    await connection.close();
  }
}
