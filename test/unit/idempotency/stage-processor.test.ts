/**
 * The stage processor with the in-memory store: the idempotency guarantees at the level of outcomes and
 * publishes, without a network. The same scenarios run against the real emulators in
 * test/integration/runtime/idempotency.test.ts.
 */
import { z } from 'zod';
import { MemoryIdempotencyStore } from '../../../toolkit/core/idempotency/memory-store';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import type { CompiledTopology } from '../../../toolkit/core/pipeline/topology';
import { definition as pipeline } from '../../fixtures/pipelines/help-desk';
import { PermanentError, RetryableError } from '../../../toolkit/core/runtime/errors';
import type { IdempotencyStore } from '../../../toolkit/core/runtime/hooks';
import { createLogger } from '../../../toolkit/core/runtime/logger';
import type { StageDefinition } from '../../../toolkit/core/runtime/stage-definition';
import { createStageProcessor, type StageProcessor } from '../../../toolkit/core/runtime/stage-processor';
import { receivedMessage } from '../../support/factories/received-message';
import { FakePublisher } from '../../support/fakes/publisher';

const topology = compileTopology(pipeline, { project: 'test-project', prefix: 'dev' });
const NOW = new Date('2026-01-01T00:00:00.000Z');
const input = z.object({ text: z.string(), mode: z.enum(['ok', 'retry', 'permanent']).default('ok') }).strict();
type Input = z.infer<typeof input>;

function harness(options: { store?: IdempotencyStore; handle?: (input: Input) => Promise<void>; topology?: CompiledTopology } = {}) {
  const publisher = new FakePublisher();
  const store = options.store ?? new MemoryIdempotencyStore({ windowMillis: 600_000, leaseMillis: () => 40_000 });
  const handled: string[] = [];
  const definition: StageDefinition<Input, { text: string }, object> = {
    stage: 'language',
    input,
    expects: 'JSON {"text": string}',
    output: z.object({ text: z.string() }),
    loadDependencies: async () => ({}),
    handle: async (message) => {
      handled.push(message.text);
      await options.handle?.(message);
      if (message.mode === 'retry') throw new RetryableError('the model server is busy');
      if (message.mode === 'permanent') throw new PermanentError('cannot handle this');
      return { data: { text: message.text.toUpperCase() }, attributes: { ['lang']: 'fr' } };
    },
  };
  const processor: StageProcessor = createStageProcessor(definition, {
    topology: options.topology ?? topology,
    publisher,
    logger: createLogger({}, () => undefined),
    now: () => NOW,
    idempotency: store,
  });
  return { processor, publisher, handled, store };
}

const message = (text: string, overrides: Parameters<typeof receivedMessage>[0] = {}) => receivedMessage({ data: Buffer.from(JSON.stringify({ text })), ...overrides });

describe('stage processor with an idempotency store', () => {
  it('acknowledges a redelivery (same messageId) without processing or publishing it again', async () => {
    // Prepare
    const { processor, publisher, handled } = harness();
    // Act: Pub/Sub redelivers a message with its messageId.
    const first = await processor.process(message('bonjour', { messageId: '1' }));
    const redelivery = await processor.process(message('bonjour', { messageId: '1' }));
    // Assess
    expect([first.outcome, redelivery.outcome]).toEqual(['published', 'duplicate']);
    expect(handled).toEqual(['bonjour']);
    expect(publisher.published).toHaveLength(1);
    expect(publisher.published[0]?.message.attributes[ATTR.requestKey]).toBe('message:1');
  });

  it('processes the same content published twice as two requests, each with a request key of its own', async () => {
    const { processor, publisher, handled } = harness();
    const outcomes = [
      (await processor.process(message('Thanks!', { messageId: '1', attributes: { [ATTR.correlationId]: 'customer-a' } }))).outcome,
      (await processor.process(message('Thanks!', { messageId: '2', attributes: { [ATTR.correlationId]: 'customer-b' } }))).outcome,
      (await processor.process(receivedMessage({ data: Buffer.alloc(0), messageId: '3' }))).outcome,
      (await processor.process(receivedMessage({ data: Buffer.alloc(0), messageId: '4' }))).outcome,
    ];
    expect(outcomes).toEqual(['published', 'published', 'dead-lettered', 'dead-lettered']);
    expect(handled).toEqual(['Thanks!', 'Thanks!']);
    expect(publisher.published.map((p) => p.message.attributes[ATTR.requestKey])).toEqual(['message:1', 'message:2', 'message:3', 'message:4']);
  });

  it('deduplicates a later hop on the carried request key, never on its own input', async () => {
    // Prepare: two requests whose intermediate results coincide, and one request published again by a stage
    // that crashed between its publish and its completion (same request key, new messageId).
    const { processor, publisher, handled } = harness();
    const hop = (messageId: string, requestKey: string) => message('Invoice 42', { messageId, attributes: { [ATTR.requestKey]: requestKey } });
    // Act
    const outcomes = [
      (await processor.process(hop('10', 'message:png'))).outcome,
      (await processor.process(hop('11', 'message:jpeg'))).outcome,
      (await processor.process(hop('12', 'message:png'))).outcome,
    ];
    // Assess
    expect(outcomes).toEqual(['published', 'published', 'duplicate']);
    expect(handled).toEqual(['Invoice 42', 'Invoice 42']);
    expect(publisher.published.map((p) => p.message.attributes[ATTR.requestKey])).toEqual(['message:png', 'message:jpeg']);
  });

  it('deduplicates equal requests on content only when the pipeline asks for it, within its window', async () => {
    // Prepare
    let clock = NOW.getTime();
    const contentTopology = compileTopology({ ...pipeline, contentDeduplication: { windowSeconds: 60 } }, { project: 'test-project', prefix: 'dev' });
    const store = new MemoryIdempotencyStore({ windowMillis: 600_000, leaseMillis: () => 40_000 });
    const publisher = new FakePublisher();
    const processor = createStageProcessor(
      {
        stage: 'language',
        input,
        expects: 'JSON {"text": string}',
        output: z.object({ text: z.string() }),
        loadDependencies: async () => ({}),
        handle: async (m) => ({ data: { text: m.text } }),
      },
      { topology: contentTopology, publisher, logger: createLogger({}, () => undefined), now: () => new Date(clock), idempotency: store },
    );
    const publish = (messageId: string, correlationId: string) => processor.process(message('Thanks!', { messageId, attributes: { [ATTR.correlationId]: correlationId } }));
    // Act
    const outcomes = [(await publish('1', 'a')).outcome, (await publish('2', 'a')).outcome, (await publish('3', 'b')).outcome];
    clock += 61_000;
    outcomes.push((await publish('4', 'a')).outcome);
    // Assess: equal content within 60 s is one request; another correlationId, or after the window, is not.
    expect(outcomes).toEqual(['published', 'duplicate', 'published', 'published']);
    const keys = publisher.published.map((p) => p.message.attributes[ATTR.requestKey] ?? '');
    expect(keys[0]).toMatch(/^content:[0-9a-f]{64}@1$/);
    expect(keys[2]).toMatch(/^content:[0-9a-f]{64}@4$/);
    expect(keys[0]?.split('@')[0]).toBe(keys[2]?.split('@')[0]);
  });

  it('keys on the idempotencyKey attribute when the publisher gives one, not on the content', async () => {
    const { processor, publisher } = harness();
    const outcomes = [
      await processor.process(message('one', { attributes: { [ATTR.idempotencyKey]: 'order-1' } })),
      await processor.process(message('two', { attributes: { [ATTR.idempotencyKey]: 'order-1' } })),
      await processor.process(message('one', { attributes: { [ATTR.idempotencyKey]: 'order-2' } })),
    ].map((p) => p.outcome);
    expect(outcomes).toEqual(['published', 'duplicate', 'published']);
    expect(publisher.published.map((p) => JSON.parse(p.message.data.toString()))).toEqual([{ text: 'ONE' }, { text: 'ONE' }]);
  });

  it('processes the redelivery of a retryable failure (the claim is released)', async () => {
    // Prepare: fails once, then succeeds.
    let failures = 1;
    const { processor, publisher, handled } = harness({
      handle: async () => {
        if (failures-- > 0) throw new RetryableError('flaky');
      },
    });
    // Act
    const first = await processor.process(message('salut'));
    const redelivery = await processor.process(message('salut'));
    // Assess
    expect([first.outcome, redelivery.outcome]).toEqual(['retry', 'published']);
    expect(handled).toEqual(['salut', 'salut']);
    expect(publisher.published).toHaveLength(1);
  });

  it('lets only one of two concurrent deliveries publish; the other is retried and then acknowledged', async () => {
    // Prepare: the first delivery is held inside the handler while the second arrives.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { processor, publisher, handled } = harness({ handle: () => gate });
    // Act
    const first = processor.process(message('hola'));
    const concurrent = await processor.process(message('hola'));
    open();
    const firstDone = await first;
    const redelivery = await processor.process(message('hola'));
    // Assess
    expect(concurrent).toMatchObject({ outcome: 'retry', fields: { errorCode: 'IN_PROGRESS' } });
    // When the holder's lease ends: a pull worker keeps the message until then.
    expect(concurrent.retryNotBefore).toEqual(new Date(NOW.getTime() + 40_000));
    expect(firstDone.outcome).toBe('published');
    expect(redelivery.outcome).toBe('duplicate');
    expect(handled).toEqual(['hola']);
    expect(publisher.published).toHaveLength(1);
  });

  it('never loses a message when completing fails after the publish: it is retried and published again', async () => {
    // Prepare: a store whose first `complete` fails, as if the instance died between publish and completion.
    const memory = new MemoryIdempotencyStore({ windowMillis: 600_000, leaseMillis: () => 40_000 });
    let completeFailures = 1;
    const store: IdempotencyStore = {
      claim: (...args) => memory.claim(...args),
      release: (...args) => memory.release(...args),
      complete: async (...args) => {
        if (completeFailures-- > 0) throw new Error('14 UNAVAILABLE: Firestore is unreachable');
        return memory.complete(...args);
      },
    };
    const { processor, publisher } = harness({ store });
    // Act
    const first = await processor.process(message('ciao'));
    const redelivery = await processor.process(message('ciao'));
    const later = await processor.process(message('ciao'));
    // Assess: at least once: published twice (the next stage deduplicates), then remembered.
    expect([first.outcome, redelivery.outcome, later.outcome]).toEqual(['retry', 'published', 'duplicate']);
    expect(publisher.published).toHaveLength(2);
    // Both copies carry one request key, so the next stage deduplicates the second.
    expect(new Set(publisher.published.map((p) => p.message.attributes[ATTR.requestKey]))).toEqual(new Set(['message:2001']));
  });

  it('dead-letters a permanent failure once: its redelivery is a duplicate', async () => {
    const { processor, publisher } = harness();
    const data = Buffer.from(JSON.stringify({ text: 'x', mode: 'permanent' }));
    const outcomes = [(await processor.process(receivedMessage({ data }))).outcome, (await processor.process(receivedMessage({ data }))).outcome];
    expect(outcomes).toEqual(['dead-lettered', 'duplicate']);
    expect(publisher.topicNames()).toEqual([topology.topics[topology.deadLetter]!.name]);
    // The dead letter carries the request's identity, so its replays are deduplicated as one request.
    expect(publisher.published[0]?.message.attributes[ATTR.requestKey]).toBe('message:2001');
    expect(publisher.published).toHaveLength(1);
  });

  it('answers retry without calling the handler when the store cannot be reached', async () => {
    const store: IdempotencyStore = {
      claim: async () => {
        throw new Error('14 UNAVAILABLE: connection refused');
      },
      complete: async () => undefined,
      release: async () => undefined,
    };
    const { processor, publisher, handled } = harness({ store });
    const processed = await processor.process(message('hej'));
    expect(processed).toMatchObject({ outcome: 'retry', fields: { errorCode: 'UNEXPECTED' } });
    expect(handled).toEqual([]);
    expect(publisher.published).toHaveLength(0);
  });
});
