import type { CompiledSubscription, CompiledTopology } from '../core/pipeline/topology';

/**
 * How a filtered pull subscription is made to hold locally. The emulator accepts a subscription's filter and
 * ignores it, for every client (gcloud, REST, the client libraries): pulling a filtered subscription returns every
 * message of its topic. So, locally only, a filtered pull subscription is attached to a shadow topic of its own,
 * and a router (filter-router.ts) streams an unfiltered subscription of the real topic, evaluates the filter and
 * republishes only what matches to the shadow topic. Whoever pulls the subscription, by any client, then gets
 * only matching messages, as on Google Cloud.
 *
 * Stage subscriptions are left alone: the stage runtime applies its subscription's filter itself (and acks what
 * does not match), in push and in pull delivery alike.
 */
export interface FilteredRoute {
  /** The filtered subscription users pull, with its compiled settings (filter included). */
  readonly subscription: CompiledSubscription;
  /** The real topic the subscription belongs to in Google Cloud. */
  readonly sourceTopicName: string;
  /** The local-only topic the subscription is attached to instead, fed with matching messages only. */
  readonly shadowTopicName: string;
  /** The router's unfiltered subscription of the real topic. */
  readonly routerSubscriptionName: string;
}

/** Suffixes of the local-only resources, derived from the compiled subscription name (never a name of their own). */
const SHADOW_TOPIC_SUFFIX = '.filtered';
const ROUTER_SUBSCRIPTION_SUFFIX = '.filter-router';

/** Every filtered pull subscription that no stage consumes, with its local shadow topic and router subscription. */
export function filteredRoutes(topology: CompiledTopology): FilteredRoute[] {
  const stageSubscriptions = new Set(Object.values(topology.stages).map((stage) => stage.subscription));
  return Object.values(topology.subscriptions)
    .filter((subscription) => subscription.filter !== '' && subscription.kind === 'pull' && !subscription.stage && !stageSubscriptions.has(subscription.key))
    .map((subscription) => ({
      subscription,
      sourceTopicName: subscription.topicName,
      shadowTopicName: `${subscription.name}${SHADOW_TOPIC_SUFFIX}`,
      routerSubscriptionName: `${subscription.name}${ROUTER_SUBSCRIPTION_SUFFIX}`,
    }));
}
