import type { PubSub } from '@google-cloud/pubsub';
import { durationSeconds } from '../core/pipeline/durations';
import type { CompiledSubscription, CompiledTopology } from '../core/pipeline/topology';
import { filteredRoutes, type FilteredRoute } from './filtered-subscriptions';

/** gRPC ALREADY_EXISTS. */
const ALREADY_EXISTS = 6;

const isAlreadyExists = (error: unknown): boolean => (error as { code?: number }).code === ALREADY_EXISTS;

const duration = (value: string): { seconds: number } => ({ seconds: durationSeconds(value) ?? 0 });

/**
 * Creates the compiled topology in a Pub/Sub emulator: every topic, one push subscription per stage pointing at
 * `pushBaseUrl(stage) + stage.pushPath`, dead-letter policies, and the pull subscriptions. Safe to run against
 * an emulator that already has the topology (reused with `PUBSUB_EMULATOR_HOST`): existing resources are kept,
 * with their pending messages, and push endpoints are repointed at the new servers.
 *
 * A filtered pull subscription that no stage consumes is attached to a local-only shadow topic, fed by the filter
 * router (filter-router.ts) through an unfiltered router subscription of the real topic: the emulator ignores
 * filters, and this way the subscription delivers only matching messages to every client.
 */
export async function provisionTopology(pubsub: PubSub, topology: CompiledTopology, pushBaseUrl: (stageKey: string) => string): Promise<void> {
  await Promise.all(
    Object.values(topology.topics).map(async (topic) => {
      try {
        await pubsub.createTopic({ name: topic.name, messageRetentionDuration: duration(topic.messageRetentionDuration), labels: { ...topic.labels } });
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
      }
    }),
  );
  const routes = new Map(filteredRoutes(topology).map((route) => [route.subscription.key, route]));
  await Promise.all([...routes.values()].map((route) => provisionRoute(pubsub, topology, route)));
  await Promise.all(
    Object.values(topology.subscriptions).map(async (subscription) => {
      const stage = subscription.stage ? topology.stages[subscription.stage] : undefined;
      const pushEndpoint = stage ? `${pushBaseUrl(stage.key)}${stage.pushPath}` : undefined;
      const route = routes.get(subscription.key);
      const topicName = route?.shadowTopicName ?? subscription.topicName;
      const options = subscriptionOptions(topology, subscription, pushEndpoint);
      try {
        await pubsub.topic(topicName).createSubscription(subscription.name, options);
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
        if (pushEndpoint) await pubsub.subscription(subscription.name).modifyPushConfig({ pushEndpoint });
        // Made by an earlier runner on the real topic, where it receives everything: move it to its shadow topic.
        if (route && !(await attachedTo(pubsub, subscription.name, route.shadowTopicName))) {
          await pubsub.subscription(subscription.name).delete();
          await pubsub.topic(topicName).createSubscription(subscription.name, options);
        }
      }
    }),
  );
}

/** The shadow topic of a filtered subscription and the router's unfiltered subscription of the real topic. */
async function provisionRoute(pubsub: PubSub, topology: CompiledTopology, route: FilteredRoute): Promise<void> {
  const source = topology.topics[route.subscription.topic];
  try {
    await pubsub.createTopic({ name: route.shadowTopicName, messageRetentionDuration: duration(source?.messageRetentionDuration ?? route.subscription.messageRetentionDuration), labels: { ...route.subscription.labels } });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
  try {
    await pubsub.topic(route.sourceTopicName).createSubscription(route.routerSubscriptionName, {
      ackDeadlineSeconds: route.subscription.ackDeadlineSeconds,
      // Ordered in, ordered out: the router republishes each ordering key's messages in order.
      enableMessageOrdering: route.subscription.enableMessageOrdering,
      messageRetentionDuration: duration(route.subscription.messageRetentionDuration),
      labels: { ...route.subscription.labels },
    });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

async function attachedTo(pubsub: PubSub, subscription: string, topicName: string): Promise<boolean> {
  const [metadata] = await pubsub.subscription(subscription).getMetadata();
  return typeof metadata.topic === 'string' && metadata.topic.endsWith(`/topics/${topicName}`);
}

function subscriptionOptions(topology: CompiledTopology, subscription: CompiledSubscription, pushEndpoint: string | undefined) {
  const feedsStage = Object.values(topology.stages).some((stage) => stage.subscription === subscription.key);
  const deadLetterTopic = subscription.deadLetterPolicy ? topology.topics[subscription.deadLetterPolicy.deadLetterTopic] : undefined;
  return {
    ackDeadlineSeconds: subscription.ackDeadlineSeconds,
    // Accepted and ignored by the emulator: the stage runtime applies a stage's filter itself, and the
    // filter router feeds every other filtered subscription only what matches.
    filter: subscription.filter || undefined,
    enableMessageOrdering: subscription.enableMessageOrdering,
    messageRetentionDuration: duration(subscription.messageRetentionDuration),
    retainAckedMessages: subscription.retainAckedMessages,
    // Stage subscriptions get no retry policy in the emulator: under one (any backoff, 0s..0s included) the
    // emulator (0.8.20) never delivers a message a third time once it was nacked twice (measured: 180-196 of 200
    // such messages stuck for 90 s; all 1,000 delivered in 6 s without a policy), nor what a killed pull client
    // held. Without it the emulator redelivers a nacked push about once a second. Google Cloud gets the policy.
    ...(feedsStage
      ? {}
      : { retryPolicy: { minimumBackoff: duration(subscription.retryPolicy.minimumBackoff), maximumBackoff: duration(subscription.retryPolicy.maximumBackoff) } }),
    labels: { ...subscription.labels },
    ...(pushEndpoint ? { pushConfig: { pushEndpoint } } : {}),
    ...(subscription.deadLetterPolicy && deadLetterTopic
      ? { deadLetterPolicy: { deadLetterTopic: deadLetterTopic.path, maxDeliveryAttempts: subscription.deadLetterPolicy.maxDeliveryAttempts } }
      : {}),
  };
}
