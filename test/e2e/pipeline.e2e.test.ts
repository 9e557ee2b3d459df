/**
 * End to end through the runner `npm start` uses: the emulator, the compiled default topology, one
 * functions-framework server per stage with the real models. 206 mixed messages (texts, images of text, bad input)
 * are published and every one must be accounted for exactly once: one result with the right attributes, or one
 * dead letter with its reason.
 */
import { ATTR } from '../../toolkit/core/pipeline/attributes';
import { collectMany, type Collected } from '../support/collect';
import { pipelineEnds, useLocalPipeline } from '../support/local-pipeline';
import texts from '../fixtures/e2e/texts.json';
import { renderTextPng } from '../fixtures/stages/text-image';

jest.setTimeout(180_000);

/** What a published message must turn into. */
type Expectation =
  | { kind: 'result'; lang: string; sentiment?: 'positive' | 'negative'; image?: { text: string; topic: string; orientation: '0' | '180' } }
  | { kind: 'dead'; reason: 'INVALID_JSON' | 'INVALID_INPUT' | 'EMPTY_DATA' | 'UNSUPPORTED_CONTENT'; stage: string };

interface Case {
  readonly correlationId: string;
  readonly data: Buffer;
  readonly attributes?: Record<string, string>;
  readonly expect: Expectation;
}

/**
 * Images of support tickets, rendered by the test; one of them upside down, for the orientation stage to catch.
 * Long enough for CLD3 to be sure they are English: it calls "MY APP CRASHES ON LOGIN" Korean (p 0.19), in any case.
 */
const IMAGES = [
  { text: 'THE APP CRASHES EVERY TIME I OPEN MY PROFILE PAGE', topic: 'bug', upsideDown: false },
  { text: 'I WAS BILLED TWICE FOR MY SUBSCRIPTION THIS MONTH', topic: 'billing', upsideDown: false },
  { text: 'I LOST MY PASSWORD AND THE RESET EMAIL NEVER CAME', topic: 'account', upsideDown: false },
  { text: 'THE MOBILE APP FREEZES WHEN I UPLOAD A PHOTO', topic: 'bug', upsideDown: true },
] as const;

/** Every topic the classifier may answer. */
const TOPICS = ['billing', 'bug', 'account', 'praise', 'other'];

/**
 * 206 messages: 50 English positive, 50 English negative, 50 other languages, 50 bad inputs of three kinds, 4 images
 * of text and 2 bad images.
 */
function buildCases(): Case[] {
  const cases: Case[] = [];
  const add = (data: Buffer, expect: Expectation, attributes?: Record<string, string>): void => {
    cases.push({ correlationId: `e2e-${cases.length}`, data, expect, ...(attributes ? { attributes } : {}) });
  };
  const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
  for (let i = 0; i < 50; i += 1) add(json({ text: texts.englishPositive[i % texts.englishPositive.length], id: `pos-${i}` }), { kind: 'result', lang: 'en', sentiment: 'positive' });
  for (let i = 0; i < 50; i += 1) add(json({ text: texts.englishNegative[i % texts.englishNegative.length], id: `neg-${i}` }), { kind: 'result', lang: 'en', sentiment: 'negative' });
  for (let i = 0; i < 50; i += 1) {
    const sample = texts.otherLanguages[i % texts.otherLanguages.length]!;
    add(json({ text: sample.text, metadata: { n: i } }), { kind: 'result', lang: sample.lang });
  }
  for (let i = 0; i < 17; i += 1) add(Buffer.from(texts.malformedJson[i % texts.malformedJson.length]!), { kind: 'dead', reason: 'INVALID_JSON', stage: 'language' });
  for (let i = 0; i < 17; i += 1) add(json(texts.wrongSchema[i % texts.wrongSchema.length]), { kind: 'dead', reason: 'INVALID_INPUT', stage: 'language' });
  for (let i = 0; i < 16; i += 1) add(Buffer.alloc(0), { kind: 'dead', reason: 'EMPTY_DATA', stage: 'language' });
  IMAGES.forEach((image, i) => {
    const png = renderTextPng(image.text, { upsideDown: image.upsideDown });
    add(
      json({ image: { data: png.toString('base64') }, id: `img-${i}` }),
      { kind: 'result', lang: 'en', image: { text: image.text, topic: image.topic, orientation: image.upsideDown ? '180' : '0' } },
      { [ATTR.contentType]: i % 2 === 0 ? 'image' : 'image/png' },
    );
  });
  const truncated = renderTextPng('CUT SHORT').subarray(0, 200);
  add(json({ image: { data: Buffer.from('a text file, not an image').toString('base64') } }), { kind: 'dead', reason: 'UNSUPPORTED_CONTENT', stage: 'onnx' }, { [ATTR.contentType]: 'image' });
  add(json({ image: { data: truncated.toString('base64') } }), { kind: 'dead', reason: 'UNSUPPORTED_CONTENT', stage: 'onnx' }, { [ATTR.contentType]: 'image' });
  return cases;
}

describe('the local pipeline, end to end', () => {
  const run = useLocalPipeline('e2e');

  it('accounts for every one of 206 mixed messages exactly once', async () => {
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
      timeoutMillis: 120_000,
      settleMillis: 3_000,
    });
    // Each case is its own request (several bad inputs share a body); each publish is one anyway, and its own
    // idempotency key keeps it one if the client library retries the publish.
    await Promise.all(
      cases.map((c) =>
        ingress.publishMessage({ data: c.data, attributes: { ...c.attributes, [ATTR.correlationId]: c.correlationId, [ATTR.idempotencyKey]: c.correlationId } }),
      ),
    );
    const received = await collecting;
    const finalResults = received.filter((m) => m.subscription === resultsName);
    const finalDead = received.filter((m) => m.subscription === deadName);

    // Assess: none lost, none duplicated, each where it belongs with the right attributes.
    const counts = new Map<string, number>();
    for (const m of [...finalResults, ...finalDead]) {
      const id = m.attributes[ATTR.correlationId] ?? '<missing>';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const lost = cases.filter((c) => !counts.has(c.correlationId)).map((c) => c.correlationId);
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect({ lost, duplicated }).toEqual({ lost: [], duplicated: [] });
    expect(counts.size).toBe(cases.length);

    for (const result of finalResults) {
      const c = byCorrelation.get(result.attributes[ATTR.correlationId]!)!;
      expect(c.expect.kind).toBe('result');
      if (c.expect.kind !== 'result') continue;
      expect(result.attributes[ATTR.lang]).toBe(c.expect.lang);
      const body = result.json<{ text: string; language: { code: string }; nlp?: { sentiment: { label: string } }; topic?: { label: string; score: number }; metadata?: Record<string, unknown> }>();
      expect(body.language.code).toBe(c.expect.lang);
      if (c.expect.image) {
        // An image: OCR read its text (turned upright first if need be), and the text path did the rest.
        expect(body.text).toBe(c.expect.image.text);
        expect(result.attributes[ATTR.contentType]).toMatch(/^image/);
        expect(result.attributes[ATTR.onnxLabel]).toBe(c.expect.image.orientation);
        expect(result.attributes[ATTR.topic]).toBe(c.expect.image.topic);
        expect(body.metadata?.['ocrRotatedDegrees']).toBe(Number(c.expect.image.orientation));
      } else {
        expect(body.text).toBe(JSON.parse(c.data.toString()).text);
      }
      if (c.expect.lang === 'en') {
        if (c.expect.sentiment) {
          expect(result.attributes[ATTR.sentiment]).toBe(c.expect.sentiment);
          expect(body.nlp?.sentiment.label).toBe(c.expect.sentiment);
        }
        expect(result.attributes[ATTR.stage]).toBe('classify');
        expect(TOPICS).toContain(result.attributes[ATTR.topic]);
        expect(body.topic?.label).toBe(result.attributes[ATTR.topic]);
        expect(Number(result.attributes[ATTR.topicScore])).toBeCloseTo(body.topic?.score ?? -1, 3);
      } else {
        // Non-English text skips nlp and still reaches the results topic.
        expect(result.attributes[ATTR.sentiment]).toBeUndefined();
        expect(result.attributes[ATTR.stage]).toBe('language');
      }
    }
    for (const letter of finalDead) {
      const c = byCorrelation.get(letter.attributes[ATTR.correlationId]!)!;
      expect(c.expect).toEqual({ kind: 'dead', reason: letter.attributes[ATTR.dlqReason], stage: letter.attributes[ATTR.dlqStage] });
      expect(letter.attributes[ATTR.dlqError]).toMatch(/expected/);
      expect(letter.data.equals(c.data)).toBe(true);
    }
    expect(finalResults).toHaveLength(154);
    expect(finalDead).toHaveLength(52);
  });
});
