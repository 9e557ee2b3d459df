import type { Message } from '@google-cloud/pubsub';
import { ATTR, PUBSUB_DEAD_LETTER_ATTR } from '../core/pipeline/attributes';

/** A received message as `tail --json` prints it: one JSON object per line. */
export interface TailRecord {
  readonly messageId: string;
  readonly publishTime: string;
  readonly orderingKey?: string;
  readonly deliveryAttempt?: number;
  readonly attributes: Record<string, string>;
  /** Parsed JSON when the data is JSON, else the UTF-8 text, else base64 under `dataBase64`. */
  readonly data?: unknown;
  readonly dataBase64?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Turns a Pub/Sub message into a `TailRecord`. */
export function toTailRecord(message: Message): TailRecord {
  const base = {
    messageId: message.id,
    publishTime: message.publishTime.toISOString(),
    ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
    ...(message.deliveryAttempt ? { deliveryAttempt: message.deliveryAttempt } : {}),
    attributes: { ...message.attributes },
  };
  let text: string;
  try {
    text = utf8.decode(message.data);
  } catch {
    return { ...base, dataBase64: message.data.toString('base64') };
  }
  try {
    return { ...base, data: JSON.parse(text) };
  } catch {
    return { ...base, data: text };
  }
}

/**
 * One readable line for a result or dead letter. `shown` are the attributes worth a tag, in order: the ones the
 * pipeline's stages declare they set (`resultAttributes(topology)`), and the stage.
 */
export function formatReadable(record: TailRecord, shown: readonly string[] = [ATTR.stage]): string {
  const a = record.attributes;
  const time = record.publishTime.slice(11, 23);
  const corr = a[ATTR.correlationId] ? ` ${a[ATTR.correlationId]}` : '';
  if (a[ATTR.dlqReason] || a[PUBSUB_DEAD_LETTER_ATTR.deliveryCount]) {
    const reason = a[ATTR.dlqReason] ?? `retries exhausted after ${a[PUBSUB_DEAD_LETTER_ATTR.deliveryCount]} deliveries`;
    return `${time}${corr} DEAD-LETTER ${reason}${a[ATTR.dlqStage] ? ` at ${a[ATTR.dlqStage]}` : ''}: ${a[ATTR.dlqError] ?? ''} | ${preview(record)}`;
  }
  const tags = shown.filter((key) => a[key] !== undefined).map((key) => `${key}=${a[key]}`);
  return `${time}${corr} ${tags.join(' ')} | ${preview(record)}`;
}

function preview(record: TailRecord): string {
  const data = record.data as { text?: unknown } | string | undefined;
  const text = typeof data === 'object' && data !== null && typeof data.text === 'string' ? data.text : typeof data === 'string' ? data : record.dataBase64 ? `<${record.dataBase64.length} base64 chars>` : JSON.stringify(data);
  const flat = (text ?? '').replace(/\s+/g, ' ');
  const chars = [...flat]; // by code point, so an emoji is never cut in half
  return chars.length > 80 ? `${chars.slice(0, 79).join('')}…` : flat;
}
