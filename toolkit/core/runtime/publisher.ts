import type { PubSub, Topic } from '@google-cloud/pubsub';
import { ATTR } from '../pipeline/attributes';
import type { OutgoingMessage } from './limits';

/** Publishes one message and resolves with its server-assigned id once Pub/Sub has accepted it. */
export interface Publisher {
  publish(topicName: string, message: OutgoingMessage): Promise<string>;
  /** Flushes pending batches and releases clients. */
  close(): Promise<void>;
  /** Opens the connection before the first message, so that it does not pay for the channel set-up. */
  warmUp?(topicNames: readonly string[]): Promise<void>;
}

/** Publisher batching: small batches keep per-hop latency low while concurrent requests still share RPCs. */
export const PUBLISH_BATCHING = { maxMessages: 100, maxMilliseconds: 5 } as const;

/**
 * A `Publisher` on the official client. Topic handles are cached (each holds its own batching queue) and
 * created with message ordering on, so that an ordering key given by the publisher is honoured end to end.
 */
export function createPubSubPublisher(pubsub: PubSub): Publisher {
  const topics = new Map<string, Topic>();
  // With its own tracing on, the client injects `googclient_traceparent` itself (a `<topic> create` span, child of
  // the active publish span) and warns when the attribute is already set: leave that key to it.
  const clientInjects = pubsub.options.enableOpenTelemetryTracing === true;
  const topicFor = (name: string): Topic => {
    let topic = topics.get(name);
    if (!topic) {
      topic = pubsub.topic(name, { messageOrdering: true, batching: PUBLISH_BATCHING });
      topics.set(name, topic);
    }
    return topic;
  };
  return {
    async publish(topicName, message) {
      const topic = topicFor(topicName);
      try {
        return await topic.publishMessage({
          data: message.data,
          attributes: clientInjects ? withoutClientTraceparent(message.attributes) : { ...message.attributes },
          ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
        });
      } catch (error) {
        // A failed publish pauses its ordering key; resume it so the redelivery can publish again.
        if (message.orderingKey) topic.resumePublishing(message.orderingKey);
        throw error;
      }
    },
    async warmUp(topicNames) {
      // Any RPC on the publisher client opens its channel (and fetches credentials in production). The answer
      // does not matter: a stage's identity may publish to a topic without being allowed to read it.
      await Promise.all(topicNames.map((name) => topicFor(name).getMetadata().catch(() => undefined)));
    },
    async close() {
      await Promise.all([...topics.values()].map((topic) => topic.flush()));
      await pubsub.close();
    },
  };
}

function withoutClientTraceparent(attributes: Readonly<Record<string, string>>): Record<string, string> {
  const copy = { ...attributes };
  delete copy[ATTR.googclientTraceparent];
  return copy;
}
