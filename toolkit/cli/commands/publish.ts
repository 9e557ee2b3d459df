import { readFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { asPublished, checkIn, publisherPayloadStore } from '../../core/claim-check/publish';
import { ATTR } from '../../core/pipeline/attributes';
import { readLocalState } from '../../local/state-file';
import type { PayloadStore } from '../../core/runtime/hooks';
import { assertWithinLimits, limitProblems, type OutgoingMessage } from '../../core/runtime/limits';
import { CONNECTION_OPTIONS, parseAttributes, parseCommandArgs } from '../args';
import { connect } from '../connection';
import { parseJsonl } from '../jsonl';
import { CommandError, UsageError } from '../usage-error';

/** Usage of `publish`. */
export const PUBLISH_USAGE = `Usage: aipipe publish [TEXT] [options]

Publishes to the pipeline's ingress topic and prints the message ids as JSON.

  TEXT                    publish {"text": TEXT}
  --json JSON             publish this JSON value as the message data
  --file PATH             publish the file's bytes as they are (one message)
  --jsonl PATH            publish one message per line; a line is the data, or an envelope
                          {"data": ..., "attributes": {...}, "orderingKey": "..."}
  --attr key=value        set an attribute (repeatable), e.g. --attr correlationId=order-17
  --ordering-key KEY      publish with this ordering key (also set as the orderingKey attribute: docs/ordering.md)
  --topic KEY             topic key from the pipeline definition (default: the ingress topic)
  --cloud                 publish to Google Cloud instead of the emulator (uses ADC)
  --project ID, --prefix P  override GOOGLE_CLOUD_PROJECT / PIPELINE_PREFIX
A payload over CLAIM_CHECK_THRESHOLD_BYTES (512 KiB) goes by reference when CLAIM_CHECK_BUCKET or CLAIM_CHECK_DIR is
set, or when publishing to a running \`npm start\` (docs/claim-check.md); without a store, over 10 MB is refused.
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  json: { type: 'string' },
  file: { type: 'string' },
  jsonl: { type: 'string' },
  attr: { type: 'string', multiple: true },
  'ordering-key': { type: 'string' },
  topic: { type: 'string' },
} as const;

/** How many publishes are in flight at once for a JSONL file. */
const IN_FLIGHT = 500;

/** `aipipe publish`: returns the process exit code. */
export async function publishCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    out.write(PUBLISH_USAGE);
    return 0;
  }
  const sources = [positionals.length > 0, values.json !== undefined, values.file !== undefined, values.jsonl !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new UsageError('give exactly one of TEXT, --json, --file or --jsonl');
  if (positionals.length > 1) throw new UsageError(`expected one TEXT argument, got ${positionals.length}; quote the text`);
  const attributes = parseAttributes(values.attr);
  const orderingKey = values['ordering-key'];
  // Payloads over the claim-check threshold go by reference when a store is configured (functions/claim-check).
  const payloads = publisherPayloadStore(process.env, { cloud: values.cloud, localPipelineRunning: readLocalState() !== undefined });
  const messages = buildMessages(values, positionals[0], attributes, orderingKey, payloads);

  const connection = await connect(values);
  try {
    const topicKey = values.topic ?? connection.topology.ingress;
    const topic = connection.topology.topics[topicKey];
    if (!topic) throw new UsageError(`--topic "${topicKey}": unknown topic; expected one of ${Object.keys(connection.topology.topics).join(', ')}`);
    const publisher = connection.pubsub.topic(topic.name, { messageOrdering: messages.some((m) => m.orderingKey) });
    const bar = messages.length > 1 && err.isTTY ? new SingleBar({ format: 'publishing [{bar}] {value}/{total} {eta_formatted}', stream: err }) : undefined;
    bar?.start(messages.length, 0);
    const messageIds: string[] = new Array<string>(messages.length);
    for (let start = 0; start < messages.length; start += IN_FLIGHT) {
      const chunk = messages.slice(start, start + IN_FLIGHT);
      await Promise.all(
        chunk.map(async (message, offset) => {
          try {
            const outgoing = await checkIn(message, payloads, { stage: 'publish', correlationId: message.attributes[ATTR.correlationId] ?? '' });
            messageIds[start + offset] = await publisher.publishMessage({ data: outgoing.data, attributes: { ...outgoing.attributes }, ...(outgoing.orderingKey ? { orderingKey: outgoing.orderingKey } : {}) });
          } catch (error) {
            if (message.orderingKey) publisher.resumePublishing(message.orderingKey);
            throw new CommandError(`publishing message ${start + offset + 1} to ${topic.name} failed: ${(error as Error).message}`, { cause: error });
          }
          bar?.increment();
        }),
      );
    }
    bar?.stop();
    out.write(`${JSON.stringify({ topic: topic.name, count: messageIds.length, messageIds })}\n`);
    return 0;
  } finally {
    await connection.close();
  }
}

function buildMessages(
  values: { json?: string; file?: string; jsonl?: string },
  text: string | undefined,
  attributes: Record<string, string>,
  orderingKey: string | undefined,
  payloads: PayloadStore | undefined,
): OutgoingMessage[] {
  const one = (data: Buffer): OutgoingMessage[] => {
    const message = withOrderingKeyAttribute({ data, attributes, orderingKey });
    assertWithinLimits(asPublished(message, payloads), payloads ? 'the message' : 'the message (set CLAIM_CHECK_BUCKET or CLAIM_CHECK_DIR to send large payloads by reference)');
    return [message];
  };
  if (text !== undefined) return one(Buffer.from(JSON.stringify({ text })));
  if (values.json !== undefined) {
    try {
      JSON.parse(values.json);
    } catch (error) {
      throw new UsageError(`--json is not valid JSON: ${(error as Error).message}`);
    }
    return one(Buffer.from(values.json));
  }
  if (values.file !== undefined) return one(readInput(values.file));
  const { records, errors } = parseJsonl(readInput(values.jsonl as string).toString('utf8'));
  const problems = [...errors];
  const messages = records.map(({ line, value }) => {
    const message = withOrderingKeyAttribute(fromJsonlRecord(value, attributes, orderingKey, line, problems));
    for (const problem of limitProblems(asPublished(message, payloads))) problems.push(`line ${line}: ${problem}`);
    return message;
  });
  if (problems.length > 0) throw new UsageError(`${values.jsonl}: nothing was published because of ${problems.length} problem(s):\n  ${problems.slice(0, 50).join('\n  ')}`);
  if (messages.length === 0) throw new UsageError(`${values.jsonl}: no messages (the file is empty)`);
  return messages;
}

function fromJsonlRecord(value: unknown, attributes: Record<string, string>, orderingKey: string | undefined, line: number, problems: string[]): OutgoingMessage {
  const isEnvelope = typeof value === 'object' && value !== null && !Array.isArray(value) && 'data' in value;
  if (!isEnvelope) return { data: Buffer.from(JSON.stringify(value)), attributes, orderingKey };
  const envelope = value as { data: unknown; attributes?: unknown; orderingKey?: unknown };
  const lineAttributes: Record<string, string> = { ...attributes };
  if (envelope.attributes !== undefined) {
    if (typeof envelope.attributes !== 'object' || envelope.attributes === null) problems.push(`line ${line}: "attributes" must be an object of strings`);
    else {
      for (const [key, v] of Object.entries(envelope.attributes)) {
        if (typeof v !== 'string') problems.push(`line ${line}: attribute "${key}" must be a string, got ${typeof v}`);
        else lineAttributes[key] = v;
      }
    }
  }
  if (envelope.orderingKey !== undefined && typeof envelope.orderingKey !== 'string') problems.push(`line ${line}: "orderingKey" must be a string`);
  const data = typeof envelope.data === 'string' ? envelope.data : JSON.stringify(envelope.data);
  return { data: Buffer.from(data), attributes: lineAttributes, orderingKey: typeof envelope.orderingKey === 'string' ? envelope.orderingKey : orderingKey };
}

function readInput(path: string): Buffer {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/**
 * Repeats the ordering key in the `orderingKey` attribute, which every stage carries on: the emulator's push body
 * has no ordering key, so locally the stages restore it from there (docs/ordering.md).
 */
function withOrderingKeyAttribute(message: OutgoingMessage): OutgoingMessage {
  return message.orderingKey ? { ...message, attributes: { ...message.attributes, [ATTR.orderingKey]: message.orderingKey } } : message;
}
