import type { Message, PubSub } from '@google-cloud/pubsub';

/** A received message, reduced to what tests assert on. */
export interface Collected {
  /** The subscription it came from. */
  readonly subscription: string;
  readonly id: string;
  readonly attributes: Record<string, string>;
  readonly data: Buffer;
  json<T = unknown>(): T;
}

/**
 * Streams several subscriptions at once, acknowledging everything, until `until(received)` holds for all
 * messages received so far or `timeoutMillis` passes; then keeps listening `settleMillis` more so that
 * duplicates arriving late are seen too.
 */
export async function collectMany(
  pubsub: PubSub,
  subscriptionNames: readonly string[],
  options: { until: (received: readonly Collected[]) => boolean; timeoutMillis: number; settleMillis?: number },
): Promise<Collected[]> {
  const subscriptions = subscriptionNames.map((name) => pubsub.subscription(name, { flowControl: { maxMessages: 1000 } }));
  const received: Collected[] = [];
  await new Promise<void>((resolve) => {
    const timeout = setTimeout(resolve, options.timeoutMillis);
    subscriptions.forEach((subscription, index) => {
      subscription.on('message', (message: Message) => {
        message.ack();
        received.push({
          subscription: subscriptionNames[index] as string,
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
  });
  if (options.settleMillis) await new Promise((resolve) => setTimeout(resolve, options.settleMillis));
  for (const subscription of subscriptions) subscription.removeAllListeners('message');
  await Promise.all(subscriptions.map((subscription) => subscription.close()));
  return received;
}

/** `collectMany` for one subscription. */
export function collect(
  pubsub: PubSub,
  subscriptionName: string,
  options: { until: (received: readonly Collected[]) => boolean; timeoutMillis: number; settleMillis?: number },
): Promise<Collected[]> {
  return collectMany(pubsub, [subscriptionName], options);
}
