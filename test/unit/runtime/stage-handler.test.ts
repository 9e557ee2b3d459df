import { z } from 'zod';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import { definition as pipeline } from '../../fixtures/pipelines/help-desk';
import { PermanentError, RetryableError } from '../../../toolkit/core/runtime/errors';
import { createLogger } from '../../../toolkit/core/runtime/logger';
import type { StageContext, StageDefinition, StageOutput } from '../../../toolkit/core/runtime/stage-definition';
import { createStageHandler, type StageHandler } from '../../../toolkit/core/runtime/stage-handler';
import { encodeData, pushBody, TEST_SUBSCRIPTION, type PushBodyOverrides } from '../../support/factories/push-body';
import { send } from '../../support/fakes/http';
import { FakePublisher } from '../../support/fakes/publisher';

const topology = compileTopology(pipeline, { project: 'test-project', prefix: 'dev' });
const TOPIC = {
  requests: 'dev-desk-requests',
  english: 'dev-desk-english',
  englishAnalysed: 'dev-desk-english-analysed',
  results: 'dev-desk-results',
  deadLetters: 'dev-desk-dead-letters',
} as const;
const NOW = new Date('2024-05-01T12:34:56.789Z');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

/** The toy stage's input and output. */
const toyInput = z.object({ text: z.string() }).strict();
const toyOutput = z.object({ text: z.string() });
type ToyInput = z.infer<typeof toyInput>;
type ToyOutput = z.infer<typeof toyOutput>;
interface ToyDeps {
  readonly model: string;
}

/** A toy language guess from the first word, so tests pick a route by choosing the text. */
const GREETING_LANG: Readonly<Record<string, string>> = { hello: 'en', bonjour: 'fr', hola: 'es' };

/** Uppercases the text and sets `lang` from its first word. */
function uppercase(input: ToyInput): StageOutput<ToyOutput> {
  const firstWord = input.text.split(' ')[0]?.toLowerCase() ?? '';
  return { data: { text: input.text.toUpperCase() }, attributes: { ['lang']: GREETING_LANG[firstWord] ?? 'und' } };
}

/** A stage handler for `stage` on the default topology with a toy definition, and everything it was given. */
function harness(stage: 'language' | 'nlp' = 'language') {
  const publisher = new FakePublisher();
  const lines: string[] = [];
  const loadDependencies = jest.fn(async (): Promise<ToyDeps> => ({ model: 'toy' }));
  const handle = jest.fn((input: ToyInput, _context: StageContext<ToyDeps>): StageOutput<ToyOutput> | Promise<StageOutput<ToyOutput>> => uppercase(input));
  const definition: StageDefinition<ToyInput, ToyOutput, ToyDeps> = {
    stage,
    input: toyInput,
    expects: 'JSON {"text": string}',
    output: toyOutput,
    loadDependencies,
    handle,
  };
  const handler: StageHandler = createStageHandler(definition, {
    topology,
    publisher,
    logger: createLogger({ service: 'test' }, (line) => lines.push(line)),
    now: () => NOW,
  });
  const path = topology.stages[stage]?.pushPath ?? '/';
  const deliver = (overrides: PushBodyOverrides = {}) => send(handler, { body: pushBody(overrides), path });
  /** Parsed log entries that record a delivery's outcome (one per request). */
  const outcomes = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => 'outcome' in entry);
  return { handler, publisher, lines, loadDependencies, handle, deliver, outcomes, path };
}

describe('createStageHandler', () => {
  describe('a message the stage handles', () => {
    it.each([
      ['english text to the english topic', 'hello world', 'en', TOPIC.english],
      ['french text to the results topic', 'bonjour tout le monde', 'fr', TOPIC.results],
      ['text of no known language to the results topic', 'zzz', 'und', TOPIC.results],
    ])('routes %s and acknowledges with 204', async (_name, text, lang, topicName) => {
      // Prepare
      const { deliver, publisher } = harness();

      // Act
      const res = await deliver({ data: { text } });

      // Assess
      expect(res.statusCode).toBe(204);
      expect(res.ended).toBe(true);
      expect(publisher.topicNames()).toEqual([topicName]);
      const [message] = publisher.messagesFor(topicName);
      expect(JSON.parse(message?.data.toString('utf8') ?? '')).toEqual({ text: text.toUpperCase() });
      expect(message?.attributes['lang']).toBe(lang);
    });

    it('carries the input attributes and sets the stage', async () => {
      // Prepare
      const { deliver, publisher } = harness();

      // Act
      await deliver({
        messageId: '3001',
        data: { text: 'hello' },
        attributes: { correlationId: 'order-17', idempotencyKey: 'idem-1', traceparent: TRACEPARENT, contentType: 'text/plain' },
      });

      // Assess
      expect(publisher.messagesFor(TOPIC.english)[0]?.attributes).toEqual({
        correlationId: 'order-17',
        idempotencyKey: 'idem-1',
        requestKey: 'key:idem-1',
        traceparent: TRACEPARENT,
        // The same context under the official client's key, so its consumers join the trace.
        googclient_traceparent: TRACEPARENT,
        contentType: 'text/plain',
        lang: 'en',
        stage: 'language',
        // The ingress message's publish time, carried on for the end-to-end latency of later stages.
        ingressTime: '2024-05-01T12:00:00.000Z',
      });
    });

    it('takes the correlationId from the messageId when the publisher gave none', async () => {
      // Prepare
      const { deliver, publisher } = harness();

      // Act
      await deliver({ messageId: '3002', data: { text: 'hello' } });

      // Assess
      expect(publisher.messagesFor(TOPIC.english)[0]?.attributes[ATTR.correlationId]).toBe('3002');
    });

    it('keeps the ordering key on the output', async () => {
      // Prepare
      const { deliver, publisher } = harness();

      // Act
      await deliver({ data: { text: 'bonjour' }, orderingKey: 'customer-9' });

      // Assess
      expect(publisher.messagesFor(TOPIC.results)[0]?.orderingKey).toBe('customer-9');
    });

    it('gives the handler its input, deps, message and correlationId', async () => {
      // Prepare
      const { deliver, handle } = harness();

      // Act
      await deliver({ messageId: '3003', data: { text: 'hola' }, attributes: { correlationId: 'c-9' } });

      // Assess
      expect(handle).toHaveBeenCalledTimes(1);
      const [input, context] = handle.mock.calls[0] ?? [];
      expect(input).toEqual({ text: 'hola' });
      expect(context?.deps).toEqual({ model: 'toy' });
      expect(context?.correlationId).toBe('c-9');
      expect(context?.message.messageId).toBe('3003');
      expect(context?.now()).toBe(NOW);
    });

    it('loads its dependencies once for concurrent requests', async () => {
      // Prepare: a slow load, so every request arrives while it is pending.
      const { deliver, loadDependencies, publisher } = harness();
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      loadDependencies.mockImplementation(async () => {
        await gate;
        return { model: 'toy' };
      });

      // Act
      const pending = ['hello', 'bonjour', 'hola', 'hello again'].map((text, i) => deliver({ messageId: `c-${i}`, data: { text } }));
      release();
      const responses = await Promise.all(pending);

      // Assess
      expect(responses.map((r) => r.statusCode)).toEqual([204, 204, 204, 204]);
      expect(loadDependencies).toHaveBeenCalledTimes(1);
      expect(publisher.published).toHaveLength(4);
    });

    it('loads its dependencies once across sequential requests and on warmUp', async () => {
      // Prepare
      const { handler, deliver, loadDependencies } = harness();

      // Act
      await handler.warmUp();
      await deliver({ messageId: '1' });
      await deliver({ messageId: '2' });

      // Assess
      expect(loadDependencies).toHaveBeenCalledTimes(1);
    });

    it('accepts the message as a binary CloudEvent too', async () => {
      // Prepare
      const { handler, publisher } = harness();

      // Act
      const res = await send(handler, {
        body: pushBody({ data: { text: 'hello' } }),
        path: '/',
        headers: { 'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished', 'ce-source': `//pubsub.googleapis.com/projects/test-project/topics/${TOPIC.requests}` },
      });

      // Assess
      expect(res.statusCode).toBe(204);
      expect(publisher.messagesFor(TOPIC.english)).toHaveLength(1);
    });
  });

  describe('a message that can never succeed', () => {
    it.each([
      ['data that is not JSON', { data: 'hello, not JSON' }, 'INVALID_JSON', 'not JSON'],
      ['JSON of the wrong shape', { data: { text: 42 } }, 'INVALID_INPUT', 'text'],
      ['an unknown field', { data: { text: 'hi', extra: true } }, 'INVALID_INPUT', 'extra'],
      ['no data', { data: null }, 'EMPTY_DATA', 'empty'],
      ['data that is not UTF-8', { data: Buffer.from([0xff, 0xfe]) }, 'INVALID_ENCODING', 'UTF-8'],
    ])('dead-letters %s with its reason and acknowledges with 204', async (_name, overrides: PushBodyOverrides, reason, fragment) => {
      // Prepare
      const { handler, path, publisher, handle, loadDependencies } = harness();
      const body = pushBody({ ...overrides, messageId: '4001', attributes: { correlationId: 'order-17', lang: 'en' } });

      // Act
      const res = await send(handler, { body, path });

      // Assess
      expect(res.statusCode).toBe(204);
      expect(publisher.topicNames()).toEqual([TOPIC.deadLetters]);
      const [deadLetter] = publisher.messagesFor(TOPIC.deadLetters);
      expect(deadLetter?.attributes).toMatchObject({
        correlationId: 'order-17',
        lang: 'en',
        dlqReason: reason,
        dlqStage: 'language',
        dlqSubscription: TEST_SUBSCRIPTION,
        dlqSourceTopic: TOPIC.requests,
        dlqSourceMessageId: '4001',
        dlqTime: NOW.toISOString(),
      });
      expect(deadLetter?.attributes[ATTR.dlqError]).toContain(fragment);
      expect(deadLetter?.data.toString('base64')).toBe(body.message.data ?? '');
      expect(handle).not.toHaveBeenCalled();
      expect(loadDependencies).not.toHaveBeenCalled();
    });

    it('dead-letters when the handler throws a PermanentError', async () => {
      // Prepare
      const { deliver, publisher, handle } = harness();
      handle.mockImplementationOnce(() => {
        throw new PermanentError('this text cannot be classified');
      });

      // Act
      const res = await deliver({ data: { text: 'hello' } });

      // Assess
      expect(res.statusCode).toBe(204);
      expect(publisher.topicNames()).toEqual([TOPIC.deadLetters]);
      expect(publisher.messagesFor(TOPIC.deadLetters)[0]?.attributes).toMatchObject({ dlqReason: 'PERMANENT_FAILURE', dlqError: 'this text cannot be classified' });
    });

    it('dead-letters a result that does not match the output schema', async () => {
      // Prepare
      const { deliver, publisher, handle } = harness();
      handle.mockImplementationOnce(() => ({ data: { text: 7 } as unknown as ToyOutput }));

      // Act
      const res = await deliver({ data: { text: 'hello' } });

      // Assess
      expect(res.statusCode).toBe(204);
      expect(publisher.messagesFor(TOPIC.deadLetters)[0]?.attributes).toMatchObject({ dlqReason: 'INVALID_OUTPUT' });
      expect(publisher.messagesFor(TOPIC.deadLetters)[0]?.attributes[ATTR.dlqError]).toContain('text');
    });

    it('dead-letters a result that would exceed Pub/Sub limits', async () => {
      // Prepare: an attribute value of 1025 bytes.
      const { deliver, publisher, handle } = harness();
      handle.mockImplementationOnce(() => ({ data: { text: 'x' }, attributes: { ['topic']: 'x'.repeat(1025) } }));

      // Act
      const res = await deliver({ data: { text: 'hello' } });

      // Assess
      expect(res.statusCode).toBe(204);
      expect(publisher.topicNames()).toEqual([TOPIC.deadLetters]);
      expect(publisher.messagesFor(TOPIC.deadLetters)[0]?.attributes[ATTR.dlqReason]).toBe('LIMIT_EXCEEDED');
    });
  });

  describe('a failure that may pass', () => {
    it.each([
      ['a RetryableError', () => new RetryableError('model server busy'), 'model server busy'],
      ['a plain Error', () => new Error('boom'), 'unexpected error: boom'],
    ])('answers 500 and publishes nothing when the handler throws %s', async (_name, makeError, message) => {
      // Prepare
      const { deliver, publisher, handle } = harness();
      handle.mockImplementationOnce(() => {
        throw makeError();
      });

      // Act
      const res = await deliver({ data: { text: 'hello' } });

      // Assess
      expect(res.statusCode).toBe(500);
      expect(res.body).toEqual({ error: message });
      expect(publisher.published).toEqual([]);
    });

    it('answers 500 when the handler rejects asynchronously', async () => {
      // Prepare
      const { deliver, publisher, handle } = harness();
      handle.mockImplementationOnce(async () => Promise.reject(new RetryableError('quota')));

      // Act
      const res = await deliver();

      // Assess
      expect(res.statusCode).toBe(500);
      expect(publisher.published).toEqual([]);
    });

    it('answers 500, and does not dead-letter, when the result cannot be published', async () => {
      // Prepare
      const { deliver, publisher } = harness();
      publisher.failNext(1);

      // Act
      const res = await deliver({ messageId: '5001', data: { text: 'hello' } });

      // Assess
      expect(res.statusCode).toBe(500);
      expect(publisher.attempts).toEqual([TOPIC.english]);
      expect(publisher.published).toEqual([]);
      expect(String((res.body as { error: string }).error)).toContain(`publishing message 5001 from stage language to topic ${TOPIC.english} failed`);
    });

    it('answers 500 when the dead letter cannot be published, so the message is not lost', async () => {
      // Prepare
      const { deliver, publisher } = harness();
      publisher.failNext(1);

      // Act
      const res = await deliver({ data: 'not JSON' });

      // Assess
      expect(res.statusCode).toBe(500);
      expect(publisher.attempts).toEqual([TOPIC.deadLetters]);
      expect(publisher.published).toEqual([]);
    });

    it('answers 500 when its dependencies fail to load, and loads them again on the next request', async () => {
      // Prepare
      const { deliver, publisher, loadDependencies } = harness();
      loadDependencies.mockRejectedValueOnce(new Error('model download failed'));

      // Act
      const first = await deliver({ messageId: '6001', data: { text: 'hello' } });
      const second = await deliver({ messageId: '6001', data: { text: 'hello' } });

      // Assess
      expect(first.statusCode).toBe(500);
      expect(String((first.body as { error: string }).error)).toContain('model download failed');
      expect(second.statusCode).toBe(204);
      expect(loadDependencies).toHaveBeenCalledTimes(2);
      expect(publisher.messagesFor(TOPIC.english)).toHaveLength(1);
      expect(publisher.messagesFor(TOPIC.deadLetters)).toHaveLength(0);
    });
  });

  describe('the subscription filter', () => {
    it('acknowledges a message the filter excludes without calling the handler', async () => {
      // Prepare: nlp's subscription filter is attributes.lang = "en".
      const { deliver, publisher, handle, loadDependencies } = harness('nlp');

      // Act
      const res = await deliver({ data: { text: 'bonjour' }, attributes: { lang: 'fr' } });

      // Assess
      expect(res.statusCode).toBe(204);
      expect(publisher.published).toEqual([]);
      expect(handle).not.toHaveBeenCalled();
      expect(loadDependencies).not.toHaveBeenCalled();
    });

    it('acknowledges a message without the attribute, even with bad data', async () => {
      // Prepare
      const { deliver, publisher, handle } = harness('nlp');

      // Act
      const res = await deliver({ data: 'not JSON' });

      // Assess
      expect(res.statusCode).toBe(204);
      expect(publisher.published).toEqual([]);
      expect(handle).not.toHaveBeenCalled();
    });

    it('handles a message the filter lets through and routes it on to classification', async () => {
      // Prepare
      const { deliver, publisher, handle } = harness('nlp');

      // Act
      const res = await deliver({ data: { text: 'hello' }, attributes: { lang: 'en' } });

      // Assess
      expect(res.statusCode).toBe(204);
      expect(handle).toHaveBeenCalledTimes(1);
      expect(publisher.messagesFor(TOPIC.englishAnalysed)[0]?.attributes).toMatchObject({ lang: 'en', stage: 'nlp' });
    });
  });

  describe('a request that is not a Pub/Sub push', () => {
    it.each([
      ['a JSON object without message', { hello: 'world' }, 'message'],
      ['text that is not JSON', 'hello', 'not JSON'],
      ['a message without messageId', { message: { data: encodeData({ text: 'hi' }) } }, 'messageId'],
    ])('answers 400 for %s and publishes nothing', async (_name, body, fragment) => {
      // Prepare
      const { handler, publisher, handle, path, outcomes } = harness();

      // Act
      const res = await send(handler, { body, path });

      // Assess
      expect(res.statusCode).toBe(400);
      expect((res.body as { error: string }).error).toContain(fragment);
      expect(publisher.published).toEqual([]);
      expect(handle).not.toHaveBeenCalled();
      expect(outcomes()).toEqual([expect.objectContaining({ severity: 'WARNING', outcome: 'rejected', stage: 'language' })]);
    });
  });

  describe('the structured log line of each delivery', () => {
    it('has severity, message, stage, ids, outcome, latency and the trace of the traceparent', async () => {
      // Prepare
      const { deliver, outcomes } = harness();

      // Act
      await deliver({ messageId: '7001', data: { text: 'hello' }, attributes: { correlationId: 'order-17', traceparent: TRACEPARENT }, deliveryAttempt: 2 });

      // Assess
      const entries = outcomes();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        severity: 'INFO',
        message: expect.stringContaining('7001'),
        service: 'test',
        stage: 'language',
        messageId: '7001',
        correlationId: 'order-17',
        outcome: 'published',
        outputTopic: TOPIC.english,
        outputMessageId: 'fake-1',
        deliveryAttempt: 2,
        latencyMs: expect.any(Number),
        attributes: { correlationId: 'order-17', traceparent: TRACEPARENT },
        'logging.googleapis.com/trace': `projects/test-project/traces/${TRACE_ID}`,
        'logging.googleapis.com/spanId': '00f067aa0ba902b7',
        'logging.googleapis.com/trace_sampled': true,
      });
      expect(entries[0]?.['latencyMs']).toBeGreaterThanOrEqual(0);
    });

    it.each([
      ['dead-lettered', 'WARNING', { data: 'not JSON', attributes: { lang: 'en' } }],
      ['filtered', 'INFO', { data: { text: 'bonjour' }, attributes: { lang: 'fr' } }],
    ])('logs %s at %s', async (outcome, severity, overrides: PushBodyOverrides) => {
      // Prepare: the nlp stage, whose filter lets only lang = "en" through.
      const { deliver, outcomes } = harness('nlp');

      // Act
      await deliver({ ...overrides, messageId: '7002' });

      // Assess
      expect(outcomes()).toEqual([expect.objectContaining({ severity, outcome, messageId: '7002', correlationId: '7002', stage: 'nlp' })]);
    });

    it('logs a retry at ERROR with the error code', async () => {
      // Prepare
      const { deliver, outcomes, handle } = harness();
      handle.mockImplementationOnce(() => {
        throw new RetryableError('busy');
      });

      // Act
      await deliver({ messageId: '7003' });

      // Assess
      expect(outcomes()).toEqual([expect.objectContaining({ severity: 'ERROR', outcome: 'retry', errorCode: 'TRANSIENT_FAILURE', error: 'busy', correlationId: '7003' })]);
    });

    it('leaves the trace fields out without a traceparent', async () => {
      // Prepare
      const { deliver, outcomes } = harness();

      // Act
      await deliver();

      // Assess
      expect(outcomes()[0]).not.toHaveProperty(['logging.googleapis.com/trace']);
    });
  });

  it('refuses a stage the topology does not have', () => {
    // Prepare
    const definition: StageDefinition<ToyInput, ToyOutput, ToyDeps> = {
      stage: 'translate',
      input: toyInput,
      expects: 'JSON {"text": string}',
      output: toyOutput,
      loadDependencies: async () => ({ model: 'toy' }),
      handle: uppercase,
    };

    // Act
    const act = () => createStageHandler(definition, { topology, publisher: new FakePublisher(), logger: createLogger({}, () => undefined), now: () => NOW });

    // Assess
    expect(act).toThrow('stage "translate" is not in the pipeline topology (stages: language, nlp, summary)');
  });
});
