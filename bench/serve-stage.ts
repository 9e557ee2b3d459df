/**
 * A benchmark server, run as a child process by bench/stage-server.ts and bench/baseline.ts:
 * `node --import tsx bench/serve-stage.ts <stage|baseline> <stageKey> <port>`.
 *
 * - `stage`: the stage's real push handler (`createStageHandler`: the shared runtime with filter, decode,
 *   validation, handler, routing, awaited publish, logging), served by functions-framework's own server as
 *   serve-stage does, publishing to an in-memory publisher instead of Pub/Sub. No idempotency store.
 * - `baseline`: the same model written the way Google's samples write a Pub/Sub function: `functions.cloudEvent`
 *   with functions-framework converting the push body, one message per call (batching off), the model's default
 *   backend, the result published (awaited) to the same in-memory publisher.
 *
 * It tells its parent over IPC when it is ready and, when asked, what it has published.
 */
import * as functions from '@google-cloud/functions-framework';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { CompiledRoute } from '../toolkit/core/pipeline/topology';
import { pipeline } from '../functions/pipeline';
import { createLogger } from '../toolkit/core/runtime/logger';
import type { OutgoingMessage } from '../toolkit/core/runtime/limits';
import type { Publisher } from '../toolkit/core/runtime/publisher';
import { createStageHandler } from '../toolkit/core/runtime/stage-handler';
import { messageBytes } from './cost';
import type { ServerMessage } from './server-protocol';

/** A publisher that accepts everything at once and counts it per topic, with the bytes Pub/Sub would bill. */
function countingPublisher(published: Record<string, number>, bytes: { total: number }): Publisher {
  let id = 0;
  return {
    async publish(topicName: string, message: OutgoingMessage) {
      published[topicName] = (published[topicName] ?? 0) + 1;
      bytes.total += messageBytes(message.data, message.attributes);
      id += 1;
      return String(id);
    },
    async close() {},
  };
}

/** The CloudEvent functions-framework makes of a Pub/Sub push body. */
interface PubSubCloudEvent {
  readonly id?: string;
  readonly data?: { message?: { data?: string; attributes?: Record<string, string>; messageId?: string } };
}

async function main(): Promise<void> {
  const [mode, stageKey, portText] = process.argv.slice(2);
  if ((mode !== 'stage' && mode !== 'baseline') || !stageKey || !pipeline.stageKeys.includes(stageKey as never) || !portText) {
    throw new Error(`usage: serve-stage.ts <stage|baseline> <${pipeline.stageKeys.join('|')}> <port>`);
  }
  const definition = pipeline.loadStage(stageKey);
  const topology = pipeline.compile({ project: 'bench-project' });
  const stage = topology.stages[definition.stage];
  if (!stage) throw new Error(`stage ${definition.stage} is not in the pipeline`);
  const published: Record<string, number> = {};
  const bytes = { total: 0 };
  const publisher = countingPublisher(published, bytes);
  const target = `bench_${mode}`;

  if (mode === 'stage') {
    const handler = createStageHandler(definition, { topology, publisher, logger: createLogger(), now: () => new Date() });
    await handler.warmUp();
    functions.http(target, handler);
  } else {
    const deps = await definition.loadDependencies({ stage, env: process.env });
    // compileTopology guarantees a last route without a condition: where the samples would publish everything.
    const resultTopic = (stage.routes[stage.routes.length - 1] as CompiledRoute).topicName;
    const logger = createLogger();
    // As in the samples: decode the message, call the model, publish the result, log a line. No schema, no filter,
    // no dead-letter handling (a bad message throws, and the framework answers 500).
    functions.cloudEvent<PubSubCloudEvent['data']>(target, async (event: CloudEvent<PubSubCloudEvent['data']>) => {
      const message = event.data?.message;
      const input = JSON.parse(Buffer.from(message?.data ?? '', 'base64').toString('utf8')) as unknown;
      const received = { data: Buffer.alloc(0), attributes: message?.attributes ?? {}, messageId: message?.messageId ?? event.id ?? '' };
      const result = await definition.handle(input, { deps, message: received, correlationId: received.messageId, logger, now: () => new Date() });
      await publisher.publish(resultTopic, { data: Buffer.from(JSON.stringify(result.data)), attributes: {} });
      console.log(`Processed message ${received.messageId}`);
    });
  }

  const server = getTestServer(target);
  server.listen(Number(portText), '127.0.0.1', () => process.send?.({ type: 'ready', pid: process.pid } satisfies ServerMessage));
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stats') process.send?.({ type: 'stats', published, publishedBytes: bytes.total } satisfies ServerMessage);
  });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.send?.({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ServerMessage);
    process.exit(1);
  });
}
