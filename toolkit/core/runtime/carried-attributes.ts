import { ATTR, NON_CARRIED_ATTRIBUTE_KEYS } from '../pipeline/attributes';

/**
 * The attributes a stage's output inherits from its input: everything the message carried (correlationId,
 * idempotencyKey, traceparent and every routing attribute set upstream, so results keep `lang` after `nlp`),
 * except dead-letter bookkeeping. `correlationId` falls back to the ingress messageId.
 */
export function carriedAttributes(attributes: Readonly<Record<string, string>>, messageId: string): Record<string, string> {
  const carried: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!NON_CARRIED_ATTRIBUTE_KEYS.includes(key)) carried[key] = value;
  }
  carried[ATTR.correlationId] = attributes[ATTR.correlationId] || messageId;
  return carried;
}
