/**
 * End to end through the runner `npm start` uses: the emulator, the compiled default topology, one
 * functions-framework server per stage with the real models. 208 mixed messages (texts, images of text, bad input)
 * are published and every one must be accounted for exactly once: one result with the right attributes, or one
 * dead letter with its reason.
 */
import { ATTR } from '../../toolkit/core/pipeline/attributes';
import { collectMany, type Collected } from '../support/collect';
import { pipelineEnds, useLocalPipeline } from '../support/local-pipeline';
import texts from '../fixtures/e2e/texts.json';
import { fixtureImage, pngClaimingSize, reencoded, TICKET_TEXT } from '../support/images';

jest.setTimeout(180_000);

/** What a published message must turn into. */
type Expectation =
  | { kind: 'result'; lang: string; sentiment?: 'positive' | 'negative'; image?: { text: string; topic: string; orientation: '0' | '180' } }
  | { kind: 'dead'; reason: 'INVALID_JSON' | 'INVALID_INPUT' | 'EMPTY_DATA' | 'UNSUPPORTED_CONTENT'; stage: string; mentions?: RegExp };

interface Case {
  readonly correlationId: string;
  readonly data: Buffer;
  readonly attributes?: Record<string, string>;
  readonly expect: Expectation;
}

/**
 * The committed ticket image (a few lines set in a real font) as the three formats senders use most, and as a JPEG
 * turned upside down, for the orientation stage to catch.
 */
const IMAGES = [
  { format: 'png', upsideDown: false },
  { format: 'jpeg', upsideDown: false },
  { format: 'webp', upsideDown: false },
  { format: 'jpeg', upsideDown: true },
] as const;

/** The topic the classifier gives the ticket's text. */
const TICKET_TOPIC = 'billing';

/** Every topic the classifier may answer. */
const TOPICS = ['billing', 'bug', 'account', 'praise', 'other'];

/**
 * 208 messages: 50 English positive, 50 English negative, 50 other languages, 50 bad inputs of three kinds, 4 images
 * of text and 4 bad images.
 */
async function buildCases(): Promise<Case[]> {
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
  for (const [i, image] of IMAGES.entries()) {
    const bytes = await reencoded(fixtureImage('ticket.png'), image.format, image.upsideDown ? 180 : 0);
    add(
      json({ image: { data: bytes.toString('base64') }, id: `img-${i}` }),
      { kind: 'result', lang: 'en', image: { text: TICKET_TEXT, topic: TICKET_TOPIC, orientation: image.upsideDown ? '180' : '0' } },
      { contentType: i === 0 ? 'image' : `image/${image.format}` },
    );
  }
  const badImage = (bytes: Buffer, mentions: RegExp): void =>
    add(json({ image: { data: bytes.toString('base64') } }), { kind: 'dead', reason: 'UNSUPPORTED_CONTENT', stage: 'onnx', mentions }, { contentType: 'image/jpeg' });
  badImage(Buffer.from('a text file, not an image'), /not a supported image: the bytes start with "a text f"/);
  badImage(fixtureImage('ticket.jpg').subarray(0, 8000), /truncated or corrupt JPEG/);
  badImage(Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), /found a PDF document/);
  // Its header claims 40000×30000 pixels over a few bytes of data: refused for its size, so before decoding.
  badImage(await pngClaimingSize(40_000, 30_000), /image too large: the PNG is 40000×30000 = 1200000000 pixels; expected at most 25000000/);
  return cases;
}

describe('the local pipeline, end to end', () => {
  const run = useLocalPipeline('e2e');

  it('accounts for every one of 208 mixed messages exactly once', async () => {
    // Prepare
    const cases = await buildCases();
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
      expect(result.attributes['lang']).toBe(c.expect.lang);
      const body = result.json<{ text: string; language: { code: string }; nlp?: { sentiment: { label: string } }; topic?: { label: string; score: number }; metadata?: Record<string, unknown> }>();
      expect(body.language.code).toBe(c.expect.lang);
      if (c.expect.image) {
        // An image: OCR read its text (turned upright first if need be), and the text path did the rest.
        expect(body.text).toBe(c.expect.image.text);
        expect(result.attributes['contentType']).toMatch(/^image/);
        expect(result.attributes['onnxLabel']).toBe(c.expect.image.orientation);
        expect(result.attributes['topic']).toBe(c.expect.image.topic);
        expect(body.metadata?.['ocrRotatedDegrees']).toBe(Number(c.expect.image.orientation));
      } else {
        expect(body.text).toBe(JSON.parse(c.data.toString()).text);
      }
      if (c.expect.lang === 'en') {
        if (c.expect.sentiment) {
          expect(result.attributes['sentiment']).toBe(c.expect.sentiment);
          expect(body.nlp?.sentiment.label).toBe(c.expect.sentiment);
        }
        expect(result.attributes[ATTR.stage]).toBe('classify');
        expect(TOPICS).toContain(result.attributes['topic']);
        expect(body.topic?.label).toBe(result.attributes['topic']);
        expect(Number(result.attributes['topicScore'])).toBeCloseTo(body.topic?.score ?? -1, 3);
      } else {
        // Non-English text skips nlp and still reaches the results topic.
        expect(result.attributes['sentiment']).toBeUndefined();
        expect(result.attributes[ATTR.stage]).toBe('language');
      }
    }
    for (const letter of finalDead) {
      const c = byCorrelation.get(letter.attributes[ATTR.correlationId]!)!;
      const { mentions, ...expected } = c.expect as Extract<Expectation, { kind: 'dead' }>;
      expect(expected).toEqual({ kind: 'dead', reason: letter.attributes[ATTR.dlqReason], stage: letter.attributes[ATTR.dlqStage] });
      expect(letter.attributes[ATTR.dlqError]).toMatch(/expected/);
      if (mentions) expect(letter.attributes[ATTR.dlqError]).toMatch(mentions);
      expect(letter.data.equals(c.data)).toBe(true);
    }
    expect(finalResults).toHaveLength(154);
    expect(finalDead).toHaveLength(54);
  });
});
