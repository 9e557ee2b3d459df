import type { CompiledTopology } from '../../core/pipeline/topology';

/** A node of the pipeline's graph: a topic, a stage, or a pull subscription read from outside the pipeline. */
export interface GraphNode {
  readonly id: string;
  readonly kind: 'topic' | 'stage' | 'subscription';
  /** What the page writes on the node. */
  readonly label: string;
  /** Topic role (`ingress`, `internal`, `terminal`, `deadLetter`), or the stage's delivery (`push`, `pull`). */
  readonly role: string;
  /** The topology key it stands for (stage key, topic key, subscription key). */
  readonly key: string;
}

/** An edge: a subscription feeding a stage or a pull subscription, a route, or a stage's dead letters. */
export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly kind: 'subscription' | 'route' | 'dead-letter';
  /** The filter on it (subscription filter or route condition); `''` for none. */
  readonly filter: string;
  readonly label: string;
}

/** The pipeline drawn as a graph. */
export interface PipelineGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/**
 * The graph of a compiled topology: topic → stage along each stage's subscription (with its filter), stage → topic
 * along each route (with its condition; the first matching route wins), stage → dead-letter topic, and topic →
 * pull subscription for the subscriptions read from outside (results, dead letters).
 */
export function pipelineGraph(topology: CompiledTopology): PipelineGraph {
  const topicId = (key: string): string => `topic:${key}`;
  const stageId = (key: string): string => `stage:${key}`;
  const nodes: GraphNode[] = [
    ...Object.values(topology.topics).map((topic): GraphNode => ({ id: topicId(topic.key), kind: 'topic', label: topic.name, role: topic.role, key: topic.key })),
    ...Object.values(topology.stages).map((stage): GraphNode => ({ id: stageId(stage.key), kind: 'stage', label: stage.key, role: stage.delivery, key: stage.key })),
  ];
  const edges: GraphEdge[] = [];
  for (const stage of Object.values(topology.stages)) {
    const subscription = topology.subscriptions[stage.subscription];
    const filter = subscription?.filter ?? '';
    edges.push({ id: `feeds:${stage.key}`, source: topicId(stage.consumes), target: stageId(stage.key), kind: 'subscription', filter, label: filter || (subscription?.name ?? stage.subscription) });
    stage.routes.forEach((route, index) => {
      edges.push({ id: `route:${stage.key}:${index}`, source: stageId(stage.key), target: topicId(route.topic), kind: 'route', filter: route.when, label: route.when || 'otherwise' });
    });
    if (!stage.routes.some((route) => route.topic === topology.deadLetter)) {
      edges.push({ id: `dead-letter:${stage.key}`, source: stageId(stage.key), target: topicId(topology.deadLetter), kind: 'dead-letter', filter: '', label: 'dead letter' });
    }
  }
  // Pull subscriptions that feed no stage are read from outside the pipeline (tail, dlq): shown as end points.
  const feeding = new Set(Object.values(topology.stages).map((stage) => stage.subscription));
  for (const subscription of Object.values(topology.subscriptions)) {
    if (subscription.kind !== 'pull' || feeding.has(subscription.key)) continue;
    const id = `subscription:${subscription.key}`;
    nodes.push({ id, kind: 'subscription', label: subscription.name, role: 'pull', key: subscription.key });
    edges.push({ id: `reads:${subscription.key}`, source: topicId(subscription.topic), target: id, kind: 'subscription', filter: subscription.filter, label: subscription.filter });
  }
  return { nodes, edges };
}
