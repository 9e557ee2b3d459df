import type { ReceivedMessage } from '../../../toolkit/core/runtime/received-message';

/** A message as the runtime sees it after parsing a push body; override any field. */
export function receivedMessage(overrides: Partial<ReceivedMessage> = {}): ReceivedMessage {
  return {
    data: Buffer.from(JSON.stringify({ text: 'hello world' }), 'utf8'),
    attributes: {},
    messageId: '2001',
    publishTime: '2024-05-01T12:00:00.000Z',
    subscription: 'projects/test-project/subscriptions/dev-ai-inference-language-push',
    topic: 'projects/test-project/topics/dev-ai-workloads-topic',
    ...overrides,
  };
}

/** `count` attributes `a000`, `a001`, ... with short values. */
export function manyAttributes(count: number, prefix = 'a'): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let i = 0; i < count; i += 1) attributes[`${prefix}${String(i).padStart(3, '0')}`] = `v${i}`;
  return attributes;
}
