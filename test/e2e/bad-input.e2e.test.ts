/**
 * The bad-input catalogue, through the local pipeline with the real models: every kind of bad input gets a
 * clear error and a dead letter, or a clean refusal at publish, and the pipeline keeps running (a valid message
 * published after all of them still gets its result).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishCommand } from '../../toolkit/cli/commands/publish';
import { UsageError } from '../../toolkit/cli/usage-error';
import { ATTR } from '../../toolkit/core/pipeline/attributes';
import { LimitExceededError } from '../../toolkit/core/runtime/errors';
import { collectMany, type Collected } from '../support/collect';
import { emulatorHost } from '../support/emulator';
import { pipelineEnds, useLocalPipeline } from '../support/local-pipeline';

jest.setTimeout(180_000);

/** A message published to the ingress topic and what must become of it. */
interface PublishedCase {
  readonly name: string;
  readonly data: Buffer;
  readonly attributes?: Record<string, string>;
  /** A dead letter with this reason and an error mentioning `mentions`, or a result with this `lang`. */
  readonly expect: { readonly deadLetter: string; readonly mentions: RegExp } | { readonly resultLang: RegExp };
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

const PUBLISHED: readonly PublishedCase[] = [
  { name: 'not JSON', data: Buffer.from('hello, plain text'), expect: { deadLetter: 'INVALID_JSON', mentions: /not JSON.*expected JSON/ } },
  { name: 'wrong schema', data: json({ body: 'x' }), expect: { deadLetter: 'INVALID_INPUT', mentions: /text.*expected/ } },
  { name: 'text not a string', data: json({ text: 7 }), expect: { deadLetter: 'INVALID_INPUT', mentions: /expected "text" to be a string/ } },
  { name: 'empty data', data: Buffer.alloc(0), expect: { deadLetter: 'EMPTY_DATA', mentions: /empty; expected JSON/ } },
  { name: 'not UTF-8', data: Buffer.from([0xff, 0xfe, 0x00, 0x41]), expect: { deadLetter: 'INVALID_ENCODING', mentions: /not valid UTF-8/ } },
  { name: 'unknown content type', data: Buffer.from('%PDF-1.7 ...'), attributes: { ['contentType']: 'application/pdf' }, expect: { deadLetter: 'UNSUPPORTED_CONTENT', mentions: /contentType "application\/pdf" is not supported/ } },
  { name: 'an image that is not an image', data: json({ image: { data: Buffer.from('plain words').toString('base64') } }), attributes: { ['contentType']: 'image' }, expect: { deadLetter: 'UNSUPPORTED_CONTENT', mentions: /image/ } },
  { name: 'invalid base64 image', data: json({ image: { data: '***not base64***' } }), attributes: { ['contentType']: 'image' }, expect: { deadLetter: 'INVALID_INPUT', mentions: /base64/ } },
  { name: 'very long text', data: json({ text: 'word '.repeat(30_000) }), expect: { deadLetter: 'INVALID_INPUT', mentions: /at most 100000 characters/ } },
  { name: 'blank text', data: json({ text: ' \n\t ' }), expect: { deadLetter: 'INVALID_INPUT', mentions: /blank/ } },
  { name: 'a language no stage handles beyond identification', data: json({ text: 'Hii ni sentensi ya Kiswahili kuhusu hali ya hewa ya leo mjini Nairobi.' }), expect: { resultLang: /^sw$/ } },
  { name: 'emoji only', data: json({ text: '😀😀😀🎉🎉🔥🔥' }), expect: { resultLang: /^und$/ } },
  { name: 'right-to-left (Arabic)', data: json({ text: 'مرحبا، أود أن أعرف متى يفتح المتجر الجديد في مدينتنا الجميلة.' }), expect: { resultLang: /^ar$/ } },
  { name: 'right-to-left (Hebrew)', data: json({ text: 'שלום, אני רוצה לדעת מתי החנות החדשה נפתחת בעיר שלנו.' }), expect: { resultLang: /^(iw|he)$/ } },
  { name: 'zero-width characters only', data: json({ text: '\u200b\u200c\u200d\u2060\ufeff' }), expect: { resultLang: /^und$/ } },
  { name: 'zero-width characters inside English', data: json({ text: 'I\u200b love\u200c this\u200d product, it works perfectly and I am very happy.' }), expect: { resultLang: /^en$/ } },
  { name: 'mixed scripts', data: json({ text: 'Hello 你好 Здравствуйте مرحبا こんにちは — this sentence mixes many scripts together.' }), expect: { resultLang: /^[a-z]{2,3}(-[A-Za-z]+)?$/ } },
];

describe('bad input', () => {
  const run = useLocalPipeline('badinput');

  it('dead-letters each bad message with a clear reason, handles the odd-but-valid ones, and keeps running', async () => {
    // Prepare
    const { local, pubsub } = run;
    const { results: resultsName, deadLetters: deadName, ingress: ingressName } = pipelineEnds(local.topology);
    const ingress = pubsub.topic(ingressName);
    const ids = PUBLISHED.map((_, i) => `bad-${i}`);
    const canary = 'bad-canary';
    const wanted = new Set([...ids, canary]);
    const accounted = (received: readonly Collected[]): boolean => received.filter((m) => wanted.has(m.attributes[ATTR.correlationId] ?? '')).length >= wanted.size;

    // Act: every case, then a valid message after all of them.
    const collecting = collectMany(pubsub, [resultsName, deadName], { until: accounted, timeoutMillis: 120_000, settleMillis: 2_000 });
    await Promise.all(PUBLISHED.map((c, i) => ingress.publishMessage({ data: c.data, attributes: { ...c.attributes, [ATTR.correlationId]: ids[i]!, [ATTR.idempotencyKey]: ids[i]! } })));
    await ingress.publishMessage({ data: json({ text: 'I love this product, it works perfectly.' }), attributes: { [ATTR.correlationId]: canary } });
    const received = await collecting;

    // Assess
    const byId = new Map<string, Collected[]>();
    for (const m of received) byId.set(m.attributes[ATTR.correlationId] ?? '', [...(byId.get(m.attributes[ATTR.correlationId] ?? '') ?? []), m]);
    const outcomes = PUBLISHED.map((c, i) => {
      const got = byId.get(ids[i]!) ?? [];
      const [m] = got;
      return {
        name: c.name,
        count: got.length,
        where: m?.subscription === deadName ? 'dead' : m ? 'result' : 'missing',
        reason: m?.attributes[ATTR.dlqReason],
        error: m?.attributes[ATTR.dlqError] ?? '',
        lang: m?.attributes['lang'],
      };
    });
    PUBLISHED.forEach((c, i) => {
      const outcome = outcomes[i]!;
      expect({ name: outcome.name, count: outcome.count }).toEqual({ name: c.name, count: 1 });
      if ('deadLetter' in c.expect) {
        expect({ name: c.name, where: outcome.where, reason: outcome.reason }).toEqual({ name: c.name, where: 'dead', reason: c.expect.deadLetter });
        expect(outcome.error).toMatch(c.expect.mentions);
      } else {
        expect({ name: c.name, where: outcome.where }).toEqual({ name: c.name, where: 'result' });
        expect(outcome.lang).toMatch(c.expect.resultLang);
      }
    });
    expect(byId.get(canary)?.[0]?.attributes['sentiment']).toBe('positive');
  });

  it('refuses at publish what Pub/Sub would refuse: over 10 MB, an attribute value over 1024 bytes, more than 100 attributes', async () => {
    // Prepare: the command line against this pipeline, with no claim-check store configured.
    const { local } = run;
    const dir = mkdtempSync(join(tmpdir(), 'bad-input-'));
    const big = join(dir, 'big.json');
    writeFileSync(big, JSON.stringify({ text: 'x'.repeat(11 * 1024 * 1024) }));
    const env = { PUBSUB_EMULATOR_HOST: emulatorHost(), GOOGLE_CLOUD_PROJECT: local.topology.project, PIPELINE_PREFIX: '' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    delete process.env['CLAIM_CHECK_BUCKET'];
    delete process.env['CLAIM_CHECK_DIR'];
    const manyAttributes = Array.from({ length: 101 }, (_, i) => ['--attr', `a${i}=v`]).flat();
    try {
      // Act + Assess
      await expect(publishCommand(['--file', big])).rejects.toThrow(/10 MB|10485760/);
      await expect(publishCommand(['hello', '--attr', `big=${'v'.repeat(1025)}`])).rejects.toThrow(LimitExceededError);
      await expect(publishCommand(['hello', '--attr', `big=${'v'.repeat(1025)}`])).rejects.toThrow(/value is 1025 bytes; at most 1024/);
      await expect(publishCommand(['hello', ...manyAttributes])).rejects.toThrow(/101 attributes; Pub\/Sub allows at most 100/);
      await expect(publishCommand(['hello', '--attr', 'novalue'])).rejects.toThrow(UsageError);
    } finally {
      process.env = saved;
    }
  });
});
