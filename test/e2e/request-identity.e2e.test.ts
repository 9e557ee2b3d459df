/**
 * One outcome per request, through the local pipeline: stages deduplicate on the request's identity (fixed at
 * ingress, carried as `requestKey`), never on the bytes a hop happens to see. Two requests whose intermediate
 * results coincide are never merged; the same request published twice with one `idempotencyKey` is one request;
 * a stage that crashes after publishing and before recording completion publishes again, and the next stage
 * absorbs the copy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline as crashTolerant } from '../fixtures/pipelines/crash-tolerant';
import { ATTR } from '../../toolkit/core/pipeline/attributes';
import { collectMany, type Collected } from '../support/collect';
import { pipelineEnds, useLocalPipeline } from '../support/local-pipeline';
import { emulatorHost } from '../support/emulator';
import { fixtureImage, TICKET_TEXT } from '../support/images';
import { gcloudPull, restPull } from '../support/pull-clients';

jest.setTimeout(360_000);

const INVOICE = TICKET_TEXT;
const CRASH_KEY = 'identity-crash-1';
const CRASHING_STAGE = 'language' as const;
const markerDir = mkdtempSync(join(tmpdir(), 'identity-faults-'));

interface Publish {
  readonly correlationId: string;
  readonly data: Buffer;
  readonly attributes?: Record<string, string>;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** Every publish of the run; correlationIds say which scenario it belongs to. */
const PUBLISHES: readonly Publish[] = [
  // The same invoice as two different files: onnx and ocr see different bytes, ocrLanguage the same text.
  { correlationId: 'invoice-scan-a', data: json({ image: { data: fixtureImage('ticket.png').toString('base64') } }), attributes: { contentType: 'image/png' } },
  { correlationId: 'invoice-scan-b', data: json({ image: { data: fixtureImage('ticket.jpg').toString('base64') } }), attributes: { contentType: 'image/jpeg' } },
  // Three empty messages: three requests, three dead letters.
  ...[0, 1, 2].map((i) => ({ correlationId: `empty-${i}`, data: Buffer.alloc(0) })),
  // Two customers, the same short texts.
  { correlationId: 'customer-a-thanks', data: json({ text: 'Thanks!' }) },
  { correlationId: 'customer-b-thanks', data: json({ text: 'Thanks!' }) },
  { correlationId: 'customer-a-order', data: json({ text: 'Where is my order?' }) },
  { correlationId: 'customer-b-order', data: json({ text: 'Where is my order?' }) },
  // A French request: a result for the non-English filtered subscription.
  { correlationId: 'french-customer', data: json({ text: 'Je suis très content de ce produit, il fonctionne parfaitement.' }) },
  // One request published twice (a publisher retrying after a timeout), with its idempotencyKey.
  ...[0, 1].map(() => ({ correlationId: 'retried-publish', data: json({ text: 'Please cancel my subscription at the end of the month.' }), attributes: { [ATTR.idempotencyKey]: 'retried-publish-1' } })),
  // The crashing stage publishes this one's result, then dies before recording it as completed.
  { correlationId: 'crash-after-publish', data: json({ text: 'The export button does nothing when I click it, please fix it.' }), attributes: { [ATTR.idempotencyKey]: CRASH_KEY } },
];
const CORRELATION_IDS = new Set(PUBLISHES.map((p) => p.correlationId));

describe('request identity, end to end', () => {
  /** Per stage and correlationId, the outcomes the stage logged. */
  const logged = new Map<string, string[]>();
  const outcomesOf = (stage: string, correlationId: string): string[] => logged.get(`${stage}/${correlationId}`) ?? [];

  const run = useLocalPipeline('identity', {
    pipeline: crashTolerant,
    stageEnv: { PIPELINE_FAULTS: JSON.stringify({ [CRASHING_STAGE]: { crashAfterPublish: { keys: [`key:${CRASH_KEY}`], markerDir } } }) },
    echo: (source, line) => {
      if (!line.startsWith('{')) return;
      try {
        const entry = JSON.parse(line) as { outcome?: string; correlationId?: string };
        if (entry.outcome && entry.correlationId) logged.set(`${source}/${entry.correlationId}`, [...outcomesOf(source, entry.correlationId), entry.outcome]);
      } catch {
        // Not a log entry.
      }
    },
  });

  let received: Collected[] = [];
  let crashedPid: number | undefined;
  let restartedPid: number | undefined;
  const of = (correlationId: string, subscription?: string): Collected[] =>
    received.filter((m) => m.attributes[ATTR.correlationId] === correlationId && (subscription === undefined || m.subscription === subscription));

  beforeAll(async () => {
    const { local, pubsub } = run;
    const { results, deadLetters, ingress } = pipelineEnds(local.topology);
    const crashing = local.servers.find((server) => server.stage === CRASHING_STAGE);
    crashedPid = crashing?.process.pid;
    // Restart the crashing stage once it has died (the runner does not supervise; Cloud Run would start a new instance).
    const restarted = crashing?.process.exited.then(async () => {
      await local.crashStage(CRASHING_STAGE);
      restartedPid = local.servers.find((server) => server.stage === CRASHING_STAGE)?.process.pid;
    });
    const seen = new Set<string>();
    const collecting = collectMany(pubsub, [results, deadLetters], {
      until: (messages) => {
        const last = messages[messages.length - 1];
        if (last) seen.add(last.attributes[ATTR.correlationId] ?? '');
        // Done once every request has an outcome and the crashed stage's second publish was seen downstream.
        return seen.size >= CORRELATION_IDS.size && outcomesOf(CRASHING_STAGE, 'crash-after-publish').includes('published');
      },
      timeoutMillis: 240_000,
      settleMillis: 8_000,
    });
    const topic = pubsub.topic(ingress);
    for (const p of PUBLISHES) await topic.publishMessage({ data: p.data, attributes: { ...p.attributes, [ATTR.correlationId]: p.correlationId } });
    received = await collecting;
    await restarted;
  });

  afterAll(() => rmSync(markerDir, { recursive: true, force: true }));

  it('gives the same invoice as two different files two results (no merge where their OCR text coincides)', () => {
    const { results } = pipelineEnds(run.local.topology);
    for (const id of ['invoice-scan-a', 'invoice-scan-b']) {
      expect(of(id)).toHaveLength(1);
      expect(of(id, results)[0]?.json<{ text: string }>().text).toBe(INVOICE);
    }
    // Both reached the stage where their bytes coincide, and both were processed there.
    expect(outcomesOf('ocrLanguage', 'invoice-scan-a')).toEqual(['published']);
    expect(outcomesOf('ocrLanguage', 'invoice-scan-b')).toEqual(['published']);
  });

  it('gives three empty messages three dead letters, each with its reason', () => {
    const { deadLetters } = pipelineEnds(run.local.topology);
    for (const id of ['empty-0', 'empty-1', 'empty-2']) {
      const letters = of(id, deadLetters);
      expect(letters).toHaveLength(1);
      expect(letters[0]?.attributes).toMatchObject({ [ATTR.dlqReason]: 'EMPTY_DATA', [ATTR.dlqStage]: 'language' });
      expect(letters[0]?.attributes[ATTR.dlqError]).toMatch(/expected/);
    }
  });

  it('gives the same text from two customers two results', () => {
    const { results } = pipelineEnds(run.local.topology);
    for (const id of ['customer-a-thanks', 'customer-b-thanks', 'customer-a-order', 'customer-b-order']) expect(of(id, results)).toHaveLength(1);
    expect(new Set(['customer-a-thanks', 'customer-b-thanks'].map((id) => of(id)[0]?.attributes[ATTR.requestKey])).size).toBe(2);
  });

  it('gives one request published twice with one idempotencyKey one result', () => {
    expect(of('retried-publish')).toHaveLength(1);
    expect(of('retried-publish')[0]?.attributes[ATTR.requestKey]).toBe('key:retried-publish-1');
    // Processed once; the other publish was a duplicate (told to retry first if it came while the first ran).
    const outcomes = outcomesOf('language', 'retried-publish');
    expect(outcomes.filter((o) => o === 'published')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'published' && o !== 'retry')).toEqual(['duplicate']);
  });

  it('gives one result when a stage crashes between its publish and its completion', () => {
    // The stage really died and came back, published the request's result twice, and the next stage absorbed the copy.
    expect(restartedPid).toBeDefined();
    expect(restartedPid).not.toBe(crashedPid);
    expect(outcomesOf(CRASHING_STAGE, 'crash-after-publish').filter((o) => o === 'published')).toHaveLength(1);
    expect(outcomesOf('nlp', 'crash-after-publish')).toEqual(expect.arrayContaining(['published', 'duplicate']));
    expect(of('crash-after-publish')).toHaveLength(1);
  });

  it('feeds a filtered subscription only what matches, for REST and gcloud alike (the runner routes it)', async () => {
    // The default pipeline's fromImages subscription: hasPrefix(attributes.contentType, "image"). The run's only
    // image requests are the two invoices; every other result must stay off it.
    const { topology } = run.local;
    const fromImages = topology.subscriptions['fromImages']!.name;
    const nonEnglish = topology.subscriptions['nonEnglish']!;
    const viaRest = await restPull(emulatorHost(), topology.project, fromImages, { count: 2, settleMillis: 3_000 });
    expect(viaRest.map((m) => m.message.attributes?.[ATTR.correlationId]).sort()).toEqual(['invoice-scan-a', 'invoice-scan-b']);
    // gcloud on another filtered subscription: only results whose language is not English.
    const viaGcloud = await gcloudPull(emulatorHost(), topology.project, nonEnglish.name);
    expect(viaGcloud.map((m) => m.message.attributes?.[ATTR.correlationId])).toContain('french-customer');
    for (const m of viaGcloud) expect(m.message.attributes?.['lang']).not.toBe('en');
    const expected = received.filter((m) => m.subscription === pipelineEnds(topology).results && m.attributes['lang'] && m.attributes['lang'] !== 'en');
    expect(viaGcloud.map((m) => m.message.attributes?.[ATTR.correlationId]).sort()).toEqual(expected.map((m) => m.attributes[ATTR.correlationId]).sort());
  });

  it('accounts for every request exactly once', () => {
    const counts = new Map<string, number>();
    for (const m of received) counts.set(m.attributes[ATTR.correlationId] ?? '<missing>', (counts.get(m.attributes[ATTR.correlationId] ?? '<missing>') ?? 0) + 1);
    expect([...CORRELATION_IDS].filter((id) => counts.get(id) !== 1)).toEqual([]);
  });
});
