import { ATTR, NON_CARRIED_ATTRIBUTE_KEYS } from '../pipeline/attributes';

/**
 * The attributes a stage's output inherits from its input: everything the message carried (correlationId,
 * idempotencyKey, requestKey, traceparent and every routing attribute set upstream, so results keep `lang` after
 * `nlp`), except dead-letter bookkeeping. `correlationId` falls back to the ingress messageId; the stage processor
 * sets `requestKey` itself (see `requestIdentity`), the same on every hop of one request.
 */
export function carriedAttributes(attributes: Readonly<Record<string, string>>, messageId: string): Record<string, string> {
  const carried: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!NON_CARRIED_ATTRIBUTE_KEYS.includes(key)) carried[key] = value;
  }
  carried[ATTR.correlationId] = attributes[ATTR.correlationId] || messageId;
  return carried;
}
