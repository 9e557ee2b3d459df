/**
 * The local filter router: makes filtered pull subscriptions hold on the emulator, which ignores filters for every
 * client (see filtered-subscriptions.ts). For each filtered subscription it streams the router's unfiltered
 * subscription of the real topic, evaluates the subscription's filter with the toolkit's filter language (the one
 * the stage runtime and `aipipe tail` use) and republishes each matching message to the subscription's shadow
 * topic with its data, attributes and ordering key. A message is acknowledged only once its republish is
 * confirmed (or once it is known not to match); a failed republish is nacked and comes back.
 *
 * Laptop and CI only: Google Cloud applies filters itself, so nothing of this is deployed.
 */
import { PubSub, type Message, type Subscription, type Topic } from '@google-cloud/pubsub';
import { compileFilter } from '../core/filter';
import type { CompiledTopology } from '../core/pipeline/topology';
import { filteredRoutes, type FilteredRoute } from './filtered-subscriptions';

/** Options of `startFilterRouter`. */
export interface FilterRouterOptions {
  /** `host:port` of the Pub/Sub emulator. */
  readonly emulatorHost: string;
  readonly topology: CompiledTopology;
  /** Receives one line per failure (and one when the router starts). */
  readonly echo?: (line: string) => void;
}

/** Per filtered subscription: messages republished to it, acknowledged without a match, and failed republishes. */
export interface RouteCounts {
  routed: number;
  dropped: number;
  failed: number;
}

/** A running filter router. */
export interface FilterRouter {
  /** Counts per filtered subscription name. */
  readonly counts: Readonly<Record<string, Readonly<RouteCounts>>>;
  /** Stops streaming; what is unsettled is handed back (nacked) and routed again by the next router. */
  stop(): Promise<void>;
}

/** Messages the router holds at once per subscription: enough to keep a results burst flowing. */
const ROUTER_MAX_MESSAGES = 500;

/** Starts routing every filtered subscription of the topology (none: a router that does nothing). */
export function startFilterRouter(options: FilterRouterOptions): FilterRouter {
  const routes = filteredRoutes(options.topology);
  const pubsub = new PubSub({ projectId: options.topology.project, apiEndpoint: options.emulatorHost, emulatorMode: true });
  const counts: Record<string, RouteCounts> = {};
  const subscriptions: Subscription[] = [];
  const topics: Topic[] = [];
  for (const route of routes) {
    const routeCounts: RouteCounts = { routed: 0, dropped: 0, failed: 0 };
    counts[route.subscription.name] = routeCounts;
    const { subscription, topic } = routeOne(pubsub, route, routeCounts, options.echo);
    subscriptions.push(subscription);
    topics.push(topic);
  }
  if (routes.length > 0) options.echo?.(`filter router: ${routes.map((route) => `${route.subscription.name} (${route.subscription.filter})`).join(', ')}`);
  let stopping: Promise<void> | undefined;
  return {
    counts,
    stop: () => {
      stopping ??= (async () => {
        await Promise.allSettled(subscriptions.map((subscription) => subscription.close()));
        await Promise.allSettled(topics.map((topic) => topic.flush()));
        await pubsub.close();
      })();
      return stopping;
    },
  };
}

function routeOne(pubsub: PubSub, route: FilteredRoute, counts: RouteCounts, echo: ((line: string) => void) | undefined): { subscription: Subscription; topic: Topic } {
  const matches = compileFilter(route.subscription.filter);
  const ordered = route.subscription.enableMessageOrdering;
  // No batching delay: a result should reach its subscription as soon as it is confirmed on the real topic.
  const topic = pubsub.topic(route.shadowTopicName, { messageOrdering: ordered, batching: { maxMilliseconds: 1 } });
  const subscription = pubsub.subscription(route.routerSubscriptionName, { flowControl: { maxMessages: ROUTER_MAX_MESSAGES } });
  subscription.on('message', (message: Message) => {
    if (!matches(message.attributes)) {
      counts.dropped += 1;
      message.ack();
      return;
    }
    const orderingKey = ordered && message.orderingKey ? message.orderingKey : undefined;
    topic.publishMessage({ data: message.data, attributes: { ...message.attributes }, ...(orderingKey ? { orderingKey } : {}) }).then(
      () => {
        counts.routed += 1;
        message.ack();
      },
      (error: unknown) => {
        counts.failed += 1;
        // A failed ordered publish pauses its key; resume it so the redelivery can be published.
        if (orderingKey) topic.resumePublishing(orderingKey);
        echo?.(`filter router: republishing ${message.id} to ${route.shadowTopicName} failed, handed back for redelivery: ${error instanceof Error ? error.message : String(error)}`);
        message.nack();
      },
    );
  });
  subscription.on('error', (error: Error) => {
    echo?.(`filter router: subscription ${route.routerSubscriptionName} failed: ${error.message}`);
  });
  return { subscription, topic };
}
