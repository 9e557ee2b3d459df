import { ATTR } from '../pipeline/attributes';
import { PUBSUB_LIMITS } from '../pipeline/defaults';
import { carriedAttributes } from './carried-attributes';
import type { PipelineError } from './errors';
import { truncateUtf8, type OutgoingMessage } from './limits';
import type { ReceivedMessage } from './received-message';

/** Where a dead letter came from. */
export interface DeadLetterSource {
  readonly stage: string;
  /** Subscription name (or path) the message was delivered through. */
  readonly subscription: string;
  /** Name of the topic the message was published to: where `dlq replay` sends it back. */
  readonly sourceTopic: string;
  readonly now: Date;
}

/**
 * The dead letter for a message that can never succeed: the original data and attributes, plus the reason as
 * attributes (`dlqReason`, `dlqError`, `dlqStage`, ...), all cut to fit Pub/Sub's limits so that the dead letter
 * itself can always be published.
 */
export function buildDeadLetter(message: ReceivedMessage, error: PipelineError, source: DeadLetterSource): OutgoingMessage {
  const reason: Record<string, string> = {
    [ATTR.dlqReason]: error.code,
    [ATTR.dlqError]: truncateUtf8(error.message, PUBSUB_LIMITS.attributeValueBytes),
    [ATTR.dlqStage]: source.stage,
    [ATTR.dlqSubscription]: source.subscription,
    [ATTR.dlqSourceTopic]: source.sourceTopic,
    [ATTR.dlqSourceMessageId]: message.messageId,
    [ATTR.dlqTime]: source.now.toISOString(),
  };
  if (message.orderingKey) reason[ATTR.dlqOrderingKey] = truncateUtf8(message.orderingKey, PUBSUB_LIMITS.attributeValueBytes);
  const carried = carriedAttributes(message.attributes, message.messageId);
  // Reserve room for the reason, the correlation id and the dropped-count marker; keep originals in order.
  const room = PUBSUB_LIMITS.attributesPerMessage - Object.keys(reason).length - 2;
  const attributes: Record<string, string> = { [ATTR.correlationId]: carried[ATTR.correlationId] ?? message.messageId };
  let dropped = 0;
  for (const [key, value] of Object.entries(carried)) {
    if (key === ATTR.correlationId) continue;
    const fits = Object.keys(attributes).length - 1 < room && Buffer.byteLength(key) <= PUBSUB_LIMITS.attributeKeyBytes;
    if (fits) attributes[key] = truncateUtf8(value, PUBSUB_LIMITS.attributeValueBytes);
    else dropped += 1;
  }
  if (dropped > 0) reason[ATTR.dlqDroppedAttributes] = String(dropped);
  return { data: message.data, attributes: { ...attributes, ...reason } };
}
