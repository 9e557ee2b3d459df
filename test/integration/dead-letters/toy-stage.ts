/**
 * A toy pipeline and stage for the dead-letter tests, served by functions-framework and fed by a real push
 * subscription on the emulator. The stage fails on purpose while a switch is on, so a test can make dead
 * letters, "fix the cause" by turning the switch off, and replay them.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { PubSub } from '@google-cloud/pubsub';
import { z } from 'zod';
import { provisionTopology } from '../../../toolkit/local/provision';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import type { CompiledTopology } from '../../../toolkit/core/pipeline/topology';
import { PermanentError, RetryableError } from '../../../toolkit/core/runtime/errors';
import type { IdempotencyStore } from '../../../toolkit/core/runtime/hooks';
import { createLogger } from '../../../toolkit/core/runtime/logger';
import { createPubSubPublisher, type Publisher } from '../../../toolkit/core/runtime/publisher';
import { createStageHandler } from '../../../toolkit/core/runtime/stage-handler';
import { emulatorClient } from '../../support/emulator';
import { toyPipeline } from '../../support/toy-pipeline';

/** input ─▶ [fixer] ─▶ output; failures ─▶ dead. */
export const toyDefinition = toyPipeline({
  name: 'dlqtest',
  stage: 'fixer',
  entryPoint: 'dlqtestFixer',
  description: 'fails while told to',
  // The fewest attempts Pub/Sub allows and no backoff, so "retries exhausted" happens within seconds.
  subscription: { maxDeliveryAttempts: 5, minimumBackoff: '0s', maximumBackoff: '1s' },
  // As the real dead-letter subscription: no backoff, so what a list hands back is at once there again.
  deadLetters: { minimumBackoff: '0s', maximumBackoff: '0s' },
});

/** What the toy stage reads: `mode` says how it fails while the switches are on. */
const inputSchema = z.object({ text: z.string(), mode: z.enum(['permanent', 'retry']) }).strict();

/** The switches: while on, the stage fails permanently / retryably for messages of that mode. */
export interface Faults {
  permanent: boolean;
  retry: boolean;
}

/** A running toy stage. */
export interface ToyStage {
  readonly topology: CompiledTopology;
  readonly pubsub: PubSub;
  readonly faults: Faults;
  /** How often the handler ran, by text. */
  readonly calls: Map<string, number>;
  stop(): Promise<void>;
}

/** Starts the toy stage under a fresh project on the test emulator and provisions its topology there. */
export async function startToyStage(project: string, idempotency: IdempotencyStore): Promise<ToyStage> {
  const topology = compileTopology(toyDefinition, { project });
  const pubsub = emulatorClient(project);
  const faults: Faults = { permanent: true, retry: true };
  const calls = new Map<string, number>();
  const publisher: Publisher = createPubSubPublisher(emulatorClient(project));
  const handler = createStageHandler(
    {
      stage: 'fixer',
      input: inputSchema,
      expects: 'JSON {"text": string, "mode": "permanent"|"retry"}',
      output: z.object({ fixed: z.string() }),
      loadDependencies: async () => ({}),
      handle: (input) => {
        calls.set(input.text, (calls.get(input.text) ?? 0) + 1);
        if (input.mode === 'permanent' && faults.permanent) throw new PermanentError(`the fixer is broken for "${input.text}"`);
        if (input.mode === 'retry' && faults.retry) throw new RetryableError('the fixer is down');
        return { data: { fixed: input.text.toUpperCase() } };
      },
    },
    { topology, publisher, logger: createLogger({}, () => undefined), now: () => new Date(), idempotency },
  );
  functions.http('dlqtestFixer', handler);
  const server: Server = getTestServer('dlqtestFixer');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await provisionTopology(pubsub, topology, () => `http://127.0.0.1:${port}`);
  return {
    topology,
    pubsub,
    faults,
    calls,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await publisher.close();
      await pubsub.close();
    },
  };
}
