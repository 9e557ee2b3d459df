import type { Message } from '@google-cloud/pubsub';
import { compileFilter } from '../../core/filter';
import { CONNECTION_OPTIONS, parseCommandArgs, parsePositiveInt } from '../args';
import { connect } from '../connection';
import { ATTR } from '../../core/pipeline/attributes';
import { formatReadable, toTailRecord } from '../format';
import { UsageError } from '../usage-error';

/** Usage of `tail`. */
export const TAIL_USAGE = `Usage: aipipe tail [SUBSCRIPTION] [options]

Streams a pull subscription (streaming pull) and prints each message.

  SUBSCRIPTION            a pull subscription's key in the pipeline definition (default: its results
                          subscription); an unknown key is answered with the list of known ones
  --json                  one JSON object per line instead of readable lines
  --filter FILTER         show only messages matching a Pub/Sub filter, e.g. 'attributes.lang = "fr"'
  --no-ack                do not acknowledge: messages stay in the subscription (returned after exit)
  --max N                 stop after printing N messages
  --idle-seconds S        stop after S seconds without a message
  --cloud, --project, --prefix   as for publish
Messages not matching --filter are acknowledged like the others unless --no-ack is given. The subscription's
own filter is applied too, because the emulator ignores filters (Google Cloud never delivers the others).
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  json: { type: 'boolean', default: false },
  filter: { type: 'string' },
  'no-ack': { type: 'boolean', default: false },
  max: { type: 'string' },
  'idle-seconds': { type: 'string' },
} as const;

/** `aipipe tail`: streams until Ctrl-C, `--max` or `--idle-seconds`; returns the exit code. */
export async function tailCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    out.write(TAIL_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`expected at most one SUBSCRIPTION, got ${positionals.join(' ')}`);
  let matches: (attributes: Readonly<Record<string, string>>) => boolean;
  try {
    matches = compileFilter(values.filter ?? '');
  } catch (error) {
    throw new UsageError(`--filter: ${(error as Error).message}`);
  }
  const max = parsePositiveInt('max', values.max);
  const idleSeconds = parsePositiveInt('idle-seconds', values['idle-seconds']);
  const connection = await connect(values);
  const key = positionals[0] ?? connection.topology.resultsSubscription;
  if (key === undefined) {
    await connection.close();
    throw new UsageError('this pipeline names no results subscription; give a SUBSCRIPTION');
  }
  const compiled = connection.topology.subscriptions[key];
  // The attributes the pipeline's stages declare they set, then the stage: a tag each on a readable line.
  const shown = [...new Set([...Object.values(connection.topology.stages).flatMap((stage) => stage.sets), ATTR.stage])];
  if (!compiled || compiled.kind !== 'pull') {
    await connection.close();
    const pull = Object.values(connection.topology.subscriptions).filter((s) => s.kind === 'pull').map((s) => s.key);
    throw new UsageError(`unknown subscription "${key}"; expected one of ${pull.join(', ')}`);
  }
  const ack = !values['no-ack'];
  // The emulator ignores subscription filters and delivers everything; apply the subscription's own filter here
  // so `tail negative` shows locally what it shows on Google Cloud. (On Google Cloud this is always true.)
  const matchesSubscription = compileFilter(compiled.filter);
  // Held (un-acked) messages count against flow control; allow plenty so --no-ack does not stall the stream.
  const subscription = connection.pubsub.subscription(compiled.name, { flowControl: { maxMessages: ack ? 1000 : 100_000, allowExcessMessages: false } });
  let printed = 0;
  return await new Promise<number>((resolve, reject) => {
    let idleTimer: NodeJS.Timeout | undefined;
    const finish = (code: number): void => {
      if (idleTimer) clearTimeout(idleTimer);
      subscription.removeAllListeners('message');
      void subscription
        .close()
        .then(() => connection.close())
        .then(() => resolve(code), reject);
    };
    const armIdle = (): void => {
      if (!idleSeconds) return;
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = setTimeout(() => finish(0), idleSeconds * 1000);
    };
    armIdle();
    subscription.on('message', (message: Message) => {
      armIdle();
      const show = matchesSubscription(message.attributes) && matches(message.attributes) && (max === undefined || printed < max);
      if (show) {
        const record = toTailRecord(message);
        out.write(`${values.json ? JSON.stringify(record) : formatReadable(record, shown)}\n`);
        printed += 1;
      }
      if (ack) message.ack();
      if (max !== undefined && printed >= max) finish(0);
    });
    subscription.on('error', (error) => {
      finish(1);
      reject(error);
    });
    process.once('SIGINT', () => finish(0));
    process.once('SIGTERM', () => finish(0));
  });
}
