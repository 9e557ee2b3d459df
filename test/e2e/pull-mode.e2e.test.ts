/**
 * End to end in pull delivery (`npm start -- --mode pull`): the emulator, the compiled default topology with a
 * pull subscription per stage, and one pull worker process per stage with the real models. A batch of mixed
 * messages is published and every one must be accounted for exactly once: one result with the right attributes,
 * or one dead letter with its reason.
 */
import { ATTR } from '../../toolkit/core/pipeline/attributes';
import { collectMany, type Collected } from '../support/collect';
import { pipelineEnds, useLocalPipeline } from '../support/local-pipeline';
import texts from '../fixtures/e2e/texts.json';

jest.setTimeout(240_000);

type Expectation =
  | { kind: 'result'; lang: string; sentiment?: 'positive' | 'negative' }
  | { kind: 'dead'; reason: 'INVALID_JSON' | 'INVALID_INPUT' | 'EMPTY_DATA' };

interface Case {
  readonly correlationId: string;
  readonly data: Buffer;
  readonly expect: Expectation;
}

/** 120 messages: 30 English positive, 30 English negative, 30 other languages, 30 bad inputs of three kinds. */
function buildCases(): Case[] {
  const cases: Case[] = [];
  const add = (data: Buffer, expect: Expectation): void => {
    cases.push({ correlationId: `pull-${cases.length}`, data, expect });
  };
  const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
  for (let i = 0; i < 30; i += 1) add(json({ text: texts.englishPositive[i % texts.englishPositive.length], id: `pos-${i}` }), { kind: 'result', lang: 'en', sentiment: 'positive' });
  for (let i = 0; i < 30; i += 1) add(json({ text: texts.englishNegative[i % texts.englishNegative.length], id: `neg-${i}` }), { kind: 'result', lang: 'en', sentiment: 'negative' });
  for (let i = 0; i < 30; i += 1) {
    const sample = texts.otherLanguages[i % texts.otherLanguages.length]!;
    add(json({ text: sample.text, metadata: { n: i } }), { kind: 'result', lang: sample.lang });
  }
  for (let i = 0; i < 10; i += 1) add(Buffer.from(texts.malformedJson[i % texts.malformedJson.length]!), { kind: 'dead', reason: 'INVALID_JSON' });
  for (let i = 0; i < 10; i += 1) add(json(texts.wrongSchema[i % texts.wrongSchema.length]), { kind: 'dead', reason: 'INVALID_INPUT' });
  for (let i = 0; i < 10; i += 1) add(Buffer.alloc(0), { kind: 'dead', reason: 'EMPTY_DATA' });
  return cases;
}

describe('the local pipeline in pull delivery, end to end', () => {
  const run = useLocalPipeline('pull', { delivery: 'pull' });

  it('runs one pull worker per stage on pull subscriptions, and no push server', () => {
    const { local } = run;
    expect(local.servers).toEqual([]);
    expect(local.workers.map((w) => w.stage).sort()).toEqual(Object.keys(local.topology.stages).sort());
    for (const worker of local.workers) {
      const stage = local.topology.stages[worker.stage]!;
      expect(stage.delivery).toBe('pull');
      expect(local.topology.subscriptions[stage.subscription]).toMatchObject({ kind: 'pull', name: worker.subscription });
    }
  });

  it('accounts for every one of 120 mixed messages exactly once', async () => {
    // Prepare
    const cases = buildCases();
    const byCorrelation = new Map(cases.map((c) => [c.correlationId, c]));
    const { local, pubsub } = run;
    const { results: resultsName, deadLetters: deadName, ingress: ingressName } = pipelineEnds(local.topology);
    const ingress = pubsub.topic(ingressName);
    const accounted = (received: readonly Collected[]): number => new Set(received.map((m) => m.attributes[ATTR.correlationId] ?? '')).size;

    // Act
    const collecting = collectMany(pubsub, [resultsName, deadName], {
      until: (received) => accounted(received) >= cases.length,
      timeoutMillis: 180_000,
      settleMillis: 3_000,
    });
    // Each message its own idempotency key: identical bodies (the empty ones) are distinct requests, as every
    // publish is; the key keeps a publish the client library retries one request.
    await Promise.all(cases.map((c) => ingress.publishMessage({ data: c.data, attributes: { [ATTR.correlationId]: c.correlationId, [ATTR.idempotencyKey]: c.correlationId } })));
    const received = await collecting;

    // Assess: none lost, none duplicated, each where it belongs.
    const counts = new Map<string, number>();
    for (const m of received) counts.set(m.attributes[ATTR.correlationId] ?? '<missing>', (counts.get(m.attributes[ATTR.correlationId] ?? '<missing>') ?? 0) + 1);
    const lost = cases.filter((c) => !counts.has(c.correlationId)).map((c) => c.correlationId);
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect({ lost, duplicated }).toEqual({ lost: [], duplicated: [] });
    expect(counts.size).toBe(cases.length);

    const results = received.filter((m) => m.subscription === resultsName);
    const dead = received.filter((m) => m.subscription === deadName);
    for (const result of results) {
      const c = byCorrelation.get(result.attributes[ATTR.correlationId]!)!;
      expect(c.expect.kind).toBe('result');
      if (c.expect.kind !== 'result') continue;
      expect(result.attributes['lang']).toBe(c.expect.lang);
      const body = result.json<{ text: string; language: { code: string } }>();
      expect(body.text).toBe(JSON.parse(c.data.toString()).text);
      if (c.expect.lang === 'en') {
        // English goes on past the language stage and carries its sentiment to the end.
        expect(result.attributes['sentiment']).toBe(c.expect.sentiment);
        expect(result.attributes[ATTR.stage]).not.toBe('language');
      } else {
        expect(result.attributes['sentiment']).toBeUndefined();
        expect(result.attributes[ATTR.stage]).toBe('language');
      }
    }
    for (const letter of dead) {
      const c = byCorrelation.get(letter.attributes[ATTR.correlationId]!)!;
      expect(c.expect).toEqual({ kind: 'dead', reason: letter.attributes[ATTR.dlqReason] });
      expect(letter.attributes[ATTR.dlqStage]).toBe('language');
      // The source recorded is the pull subscription the worker streamed.
      expect(letter.attributes[ATTR.dlqSubscription]).toBe(local.topology.subscriptions[local.topology.stages['language']!.subscription]!.path);
      expect(letter.data.equals(c.data)).toBe(true);
    }
    expect(results).toHaveLength(90);
    expect(dead).toHaveLength(30);
  });
});
