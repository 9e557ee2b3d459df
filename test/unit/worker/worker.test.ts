import { z } from 'zod';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import { definition as pipeline } from '../../fixtures/pipelines/help-desk';
import { PermanentError, RetryableError } from '../../../toolkit/core/runtime/errors';
import { createLogger } from '../../../toolkit/core/runtime/logger';
import { OUTCOMES, type Outcome } from '../../../toolkit/core/runtime/outcome';
import type { StageDefinition } from '../../../toolkit/core/runtime/stage-definition';
import { createStageProcessor, type Processed, type StageProcessor } from '../../../toolkit/core/runtime/stage-processor';
import { SETTLEMENT_FOR_OUTCOME, startPullWorker, toReceivedMessage } from '../../../toolkit/core/worker/worker';
import { FakePublisher } from '../../support/fakes/publisher';
import { FakePulledMessage, FakePullSource } from './fake-pull-source';

const topology = compileTopology(pipeline, { project: 'test-project', prefix: 'dev', delivery: 'pull' });
const SUBSCRIPTION_PATH = topology.subscriptions[topology.stages['language']!.subscription]!.path;
const OPTIONS = { subscriptionPath: SUBSCRIPTION_PATH, topicPath: 'projects/test-project/topics/dev-ai-workloads-topic', project: 'test-project', drainTimeoutMillis: 5_000 };

/** Resolves after pending promise callbacks have run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A promise with its resolve function, to hold a processor mid-message. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A processor that answers `outcome` (or what `answer` returns), logging to `lines`. */
function fakeProcessor(answer: (messageId: string) => Promise<Processed> | Processed, lines: string[] = []): StageProcessor {
  return {
    stage: topology.stages['language']!,
    logger: createLogger({}, (line) => lines.push(line)),
    process: async (message) => answer(message.messageId),
    warmUp: async () => undefined,
  };
}

const toyInput = z.object({ text: z.string(), mode: z.enum(['ok', 'permanent', 'retry']).default('ok') }).strict();

/** The real shared processor on a toy language stage, publishing to a fake publisher. */
function realProcessor(publisher: FakePublisher): StageProcessor {
  const definition: StageDefinition<z.infer<typeof toyInput>, { echoed: string }, object> = {
    stage: 'language',
    input: toyInput,
    expects: 'JSON {"text": string}',
    output: z.object({ echoed: z.string() }),
    loadDependencies: async () => ({}),
    handle: (input) => {
      if (input.mode === 'permanent') throw new PermanentError(`cannot echo "${input.text}"`);
      if (input.mode === 'retry') throw new RetryableError('the echo service is down');
      return { data: { echoed: input.text }, attributes: { ['lang']: 'fr' } };
    },
  };
  return createStageProcessor(definition, { topology, publisher, logger: createLogger({}, () => undefined), now: () => new Date('2024-05-01T00:00:00Z') });
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('SETTLEMENT_FOR_OUTCOME', () => {
  it('acks every outcome but retry, which it nacks', () => {
    // Assess: the pull mapping agrees with the push one (204 acks, anything else is retried).
    const expected = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, outcome === 'retry' ? 'nack' : 'ack']));
    expect(SETTLEMENT_FOR_OUTCOME).toEqual(expected);
  });
});

describe('startPullWorker', () => {
  it.each(OUTCOMES.map((outcome) => [outcome, SETTLEMENT_FOR_OUTCOME[outcome]] as const))('settles a %s message with %s, exactly once', async (outcome: Outcome, settlement) => {
    // Prepare
    const source = new FakePullSource();
    const lines: string[] = [];
    const worker = startPullWorker(fakeProcessor(() => ({ outcome, fields: {} }), lines), source, OPTIONS);

    // Act
    const message = source.deliver(new FakePulledMessage('m-1', json({ text: 'hi' })));
    await flush();

    // Assess
    expect(message.settled).toBe(settlement);
    expect(message.settleCalls).toBe(1);
    expect(worker.counts[outcome]).toBe(1);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toEqual([expect.objectContaining({ outcome, messageId: 'm-1' })]);
  });

  it('settles a message only after processing (and so the publish) has finished', async () => {
    // Prepare
    const source = new FakePullSource();
    const gate = deferred<Processed>();
    const worker = startPullWorker(fakeProcessor(() => gate.promise), source, OPTIONS);

    // Act
    const message = source.deliver(new FakePulledMessage('m-2', json({ text: 'hi' })));
    await flush();
    const before = message.settled;
    const inFlight = worker.inFlight();
    gate.resolve({ outcome: 'published', fields: {} });
    await flush();

    // Assess
    expect({ before, inFlight }).toEqual({ before: undefined, inFlight: 1 });
    expect(message.settled).toBe('ack');
    expect(worker.inFlight()).toBe(0);
  });

  it('nacks a message whose processing throws, so it is redelivered rather than lost', async () => {
    const source = new FakePullSource();
    const worker = startPullWorker(fakeProcessor(() => Promise.reject(new Error('boom'))), source, OPTIONS);
    const message = source.deliver(new FakePulledMessage('m-3', json({ text: 'hi' })));
    await flush();
    expect(message.settled).toBe('nack');
    expect(worker.counts.failed).toBe(1);
  });

  it('keeps a message whose claim another delivery holds until that lease ends, then processes it again', async () => {
    // Prepare: the first attempt finds a dead worker's claim, whose lease ends 30 s from "now".
    const NOW = 1_000_000;
    const answers: Processed[] = [
      { outcome: 'retry', fields: { errorCode: 'IN_PROGRESS' }, retryNotBefore: new Date(NOW + 30_000) },
      { outcome: 'published', fields: {} },
    ];
    const waits: number[] = [];
    const source = new FakePullSource();
    const worker = startPullWorker(fakeProcessor(() => answers.shift()!), source, {
      ...OPTIONS,
      maxHoldMillis: 40_000,
      wallClockMillis: () => NOW,
      sleep: async (millis) => {
        waits.push(millis);
      },
    });
    // Act
    const message = source.deliver(new FakePulledMessage('m-held', json({ text: 'hi' })));
    await flush();
    await flush();
    // Assess: held (not nacked) until just past the lease, then processed and acked once.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(30_000);
    expect(waits[0]).toBeLessThan(31_000);
    expect(message.settled).toBe('ack');
    expect(message.settleCalls).toBe(1);
    expect(worker.counts).toMatchObject({ held: 1, published: 1, retry: 0 });
  });

  it('nacks at once a retry whose holder\'s lease ends later than it may hold, or that names no lease', async () => {
    const NOW = 1_000_000;
    const source = new FakePullSource();
    const answers: Processed[] = [
      { outcome: 'retry', fields: { errorCode: 'IN_PROGRESS' }, retryNotBefore: new Date(NOW + 60_000) },
      { outcome: 'retry', fields: { errorCode: 'UNEXPECTED' } },
    ];
    const worker = startPullWorker(fakeProcessor(() => answers.shift()!), source, { ...OPTIONS, maxHoldMillis: 40_000, wallClockMillis: () => NOW, sleep: () => Promise.reject(new Error('must not wait')) });
    const first = source.deliver(new FakePulledMessage('m-a', json({ text: 'hi' })));
    const second = source.deliver(new FakePulledMessage('m-b', json({ text: 'hi' })));
    await flush();
    expect([first.settled, second.settled]).toEqual(['nack', 'nack']);
    expect(worker.counts).toMatchObject({ held: 0, retry: 2 });
  });

  describe('with the real stage processor', () => {
    it('publishes the result, then acks', async () => {
      // Prepare
      const publisher = new FakePublisher();
      const source = new FakePullSource();
      startPullWorker(realProcessor(publisher), source, OPTIONS);

      // Act
      const message = source.deliver(new FakePulledMessage('m-4', json({ text: 'bonjour' }), { [ATTR.correlationId]: 'c-4' }));
      await flush();

      // Assess
      expect(message.settled).toBe('ack');
      expect(publisher.topicNames()).toEqual(['dev-desk-results']);
      expect(JSON.parse(publisher.published[0]!.message.data.toString())).toEqual({ echoed: 'bonjour' });
      expect(publisher.published[0]!.message.attributes).toMatchObject({ [ATTR.correlationId]: 'c-4', [ATTR.stage]: 'language' });
    });

    it('dead-letters a poison message with the pull subscription as its source, then acks', async () => {
      const publisher = new FakePublisher();
      const source = new FakePullSource();
      startPullWorker(realProcessor(publisher), source, OPTIONS);
      const message = source.deliver(new FakePulledMessage('m-5', Buffer.from('{not json')));
      await flush();
      expect(message.settled).toBe('ack');
      expect(publisher.topicNames()).toEqual(['dev-desk-dead-letters']);
      expect(publisher.published[0]!.message.attributes).toMatchObject({ [ATTR.dlqReason]: 'INVALID_JSON', [ATTR.dlqSubscription]: SUBSCRIPTION_PATH });
    });

    it('nacks when the publish fails, and publishes nothing', async () => {
      const publisher = new FakePublisher().failNext(1);
      const source = new FakePullSource();
      const worker = startPullWorker(realProcessor(publisher), source, OPTIONS);
      const message = source.deliver(new FakePulledMessage('m-6', json({ text: 'bonjour' })));
      await flush();
      expect(message.settled).toBe('nack');
      expect(publisher.published).toEqual([]);
      expect(worker.counts.retry).toBe(1);
    });

    it('nacks a retryable handler error', async () => {
      const publisher = new FakePublisher();
      const source = new FakePullSource();
      startPullWorker(realProcessor(publisher), source, OPTIONS);
      const message = source.deliver(new FakePulledMessage('m-7', json({ text: 'x', mode: 'retry' })));
      await flush();
      expect(message.settled).toBe('nack');
      expect(publisher.attempts).toEqual([]);
    });
  });

  describe('stop', () => {
    it('waits for in-flight messages to be settled, then closes the source and hands back what arrived meanwhile', async () => {
      // Prepare
      const source = new FakePullSource();
      const gate = deferred<Processed>();
      const worker = startPullWorker(fakeProcessor(() => gate.promise), source, OPTIONS);
      const first = source.deliver(new FakePulledMessage('m-8', json({ text: 'a' })));
      await flush();

      // Act
      let stopped = false;
      const stopping = worker.stop().then(() => (stopped = true));
      const late = source.deliver(new FakePulledMessage('m-9', json({ text: 'b' })));
      await flush();
      // Nothing is closed or handed back while a message is in flight (a nack would come straight back).
      const during = { stopped, closed: source.closed, late: late.settled };
      gate.resolve({ outcome: 'published', fields: {} });
      await stopping;

      // Assess
      expect(during).toEqual({ stopped: false, closed: false, late: undefined });
      expect(source.closed).toBe(true);
      expect(first.settled).toBe('ack');
      expect(late.settled).toBe('nack');
      await expect(worker.done).resolves.toBeUndefined();
      expect(worker.stop()).toBe(worker.stop());
    });

    it('closes anyway once the drain timeout has passed', async () => {
      // Prepare: a message that never finishes.
      const source = new FakePullSource();
      const lines: string[] = [];
      const worker = startPullWorker(fakeProcessor(() => new Promise<Processed>(() => undefined), lines), source, { ...OPTIONS, drainTimeoutMillis: 20 });
      source.deliver(new FakePulledMessage('m-12', json({ text: 'a' })));
      await flush();

      // Act
      await worker.stop();

      // Assess
      expect(source.closed).toBe(true);
      expect(worker.inFlight()).toBe(1);
      expect(lines.join('\n')).toMatch(/stopping with 1 messages still in flight after 20 ms/);
    });

    it('stops and rejects `done` when the subscription fails for good', async () => {
      const source = new FakePullSource();
      const worker = startPullWorker(fakeProcessor(() => ({ outcome: 'published', fields: {} })), source, OPTIONS);
      source.emit('error', new Error('5 NOT_FOUND: Subscription does not exist'));
      await expect(worker.done).rejects.toThrow('NOT_FOUND');
      expect(source.closed).toBe(true);
    });
  });
});

describe('toReceivedMessage', () => {
  it('carries ids, attributes, publish time, ordering key, delivery attempt, subscription and topic', () => {
    const publishTime = new Date('2024-05-01T12:00:00.123Z');
    const message = new FakePulledMessage('m-10', json({ text: 'x' }), { a: '1' }, { publishTime, orderingKey: 'k', deliveryAttempt: 3 });
    expect(toReceivedMessage(message, OPTIONS)).toEqual({
      data: json({ text: 'x' }),
      attributes: { a: '1' },
      messageId: 'm-10',
      publishTime: '2024-05-01T12:00:00.123Z',
      orderingKey: 'k',
      subscription: SUBSCRIPTION_PATH,
      deliveryAttempt: 3,
      topic: OPTIONS.topicPath,
    });
  });

  it('leaves out an empty ordering key and a zero delivery attempt (the client sends "" and 0 for none)', () => {
    const received = toReceivedMessage(new FakePulledMessage('m-11', Buffer.alloc(0), {}, { orderingKey: '', deliveryAttempt: 0 }), OPTIONS);
    expect(received.orderingKey).toBeUndefined();
    expect(received.deliveryAttempt).toBeUndefined();
  });
});
