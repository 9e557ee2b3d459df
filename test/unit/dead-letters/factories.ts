import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import { definition as pipeline } from '../../fixtures/pipelines/help-desk';
import type { CompiledTopology } from '../../../toolkit/core/pipeline/topology';
import type { PulledMessage } from '../../../toolkit/core/dead-letters/pulled-message';

/** The default pipeline for project `test-project`, prefix `dev`. */
export const TOPOLOGY: CompiledTopology = compileTopology(pipeline, { project: 'test-project', prefix: 'dev' });

let next = 1;

/** A pulled dead letter; override any field. Ids and sort keys increase with each call. */
export function pulledMessage(overrides: Partial<PulledMessage> = {}): PulledMessage {
  const n = next;
  next += 1;
  return {
    ackId: `ack-${n}`,
    messageId: String(1000 + n),
    data: Buffer.from(JSON.stringify({ text: 'hello' })),
    attributes: {},
    publishTime: '2024-05-01T12:00:00.000Z',
    sortKey: `${String(1714564800 + n).padStart(12, '0')}.000000000`,
    ...overrides,
  };
}

/** The name of the default pipeline's topic or subscription with that key. */
export const topicName = (key: string): string => TOPOLOGY.topics[key]!.name;
export const subscriptionName = (key: string): string => TOPOLOGY.subscriptions[key]!.name;
