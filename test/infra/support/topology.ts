/** The default pipeline compiled for a fixture project, for construct tests that need real compiled entities. */
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import { definition as pipeline } from '../../../functions/definition';
import type { CompiledStage, CompiledSubscription, CompiledTopic, CompiledTopology } from '../../../toolkit/core/pipeline/topology';

/** `compileTopology(pipeline)` for project `example-project`, prefix `test`. */
export const TOPOLOGY: CompiledTopology = compileTopology(pipeline, { project: 'example-project', prefix: 'test', labels: { env: 'dev' } });

function first<T>(items: readonly T[], what: string): T {
  const found = items[0];
  if (found === undefined) throw new Error(`the fixture topology has no ${what}`);
  return found;
}

/** The first stage of the topology. */
export function aStage(): CompiledStage {
  return first(Object.values(TOPOLOGY.stages), 'stage');
}

/** A push subscription (one that feeds a stage). */
export function aPushSubscription(): CompiledSubscription {
  return first(Object.values(TOPOLOGY.subscriptions).filter((s) => s.kind === 'push'), 'push subscription');
}

/** A pull subscription with a filter. */
export function aFilteredPullSubscription(): CompiledSubscription {
  return first(Object.values(TOPOLOGY.subscriptions).filter((s) => s.kind === 'pull' && s.filter !== ''), 'filtered pull subscription');
}

/** The dead-letter topic. */
export function deadLetterTopic(): CompiledTopic {
  return TOPOLOGY.topics[TOPOLOGY.deadLetter] as CompiledTopic;
}

/** Fake topic ids by key, as `PipelineTopic.id` would give them. */
export function fakeTopicIds(): Record<string, string> {
  return Object.fromEntries(Object.values(TOPOLOGY.topics).map((t) => [t.key, t.path]));
}
