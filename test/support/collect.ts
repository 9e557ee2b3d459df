import type { Message, PubSub } from '@google-cloud/pubsub';

/** A received message, reduced to what tests assert on. */
export interface Collected {
  readonly id: string;
  readonly attributes: Record<string, string>;
  readonly data: Buffer;
  json<T = unknown>(): T;
}

/**
 * Streams a subscription, acknowledging everything, until `until(received)` holds or `timeoutMillis` passes;
 * then keeps listening `settleMillis` more so that duplicates arriving late are seen too.
 */
export async function collect(
  pubsub: PubSub,
  subscriptionName: string,
  options: { until: (received: readonly Collected[]) => boolean; timeoutMillis: number; settleMillis?: number },
): Promise<Collected[]> {
  const subscription = pubsub.subscription(subscriptionName, { flowControl: { maxMessages: 1000 } });
  const received: Collected[] = [];
  await new Promise<void>((resolve) => {
    const timeout = setTimeout(resolve, options.timeoutMillis);
    subscription.on('message', (message: Message) => {
      message.ack();
      received.push({
        id: message.id,
        attributes: { ...message.attributes },
        data: message.data,
        json: <T>() => JSON.parse(message.data.toString('utf8')) as T,
      });
      if (options.until(received)) {
        clearTimeout(timeout);
        resolve();
      }
    });
    subscription.on('error', () => undefined);
  });
  if (options.settleMillis) await new Promise((resolve) => setTimeout(resolve, options.settleMillis));
  subscription.removeAllListeners('message');
  await subscription.close();
  return received;
}
