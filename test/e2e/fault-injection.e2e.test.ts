/**
 * The fault-injection run: 2,000 messages through the local pipeline, in push and in pull delivery, while
 *   - the nlp stage fails 10% of its deliveries with a retryable error (PIPELINE_FAULTS),
 *   - 2% of the messages are poison (malformed JSON, wrong schema, empty data; the empty ones all alike),
 *   - half the texts are published without an idempotencyKey, and the texts repeat: the same text from many
 *     correlationIds, each its own request,
 *   - an invoice is published again and again as a PNG and as a JPEG (other bytes): their OCR text
 *     coincides at ocrLanguage, and each must still give its own result,
 *   - the nlp stage is killed (SIGKILL to its process group: no drain, no flush) once a quarter of the outcomes
 *     are in, and started again: in push delivery with a push in flight, its front door answering 503 while it
 *     reloads; in pull delivery its worker, whose held messages Pub/Sub redelivers once their ack deadline (the
 *     stage's timeout) has passed, and the new worker keeps those whose claim the dead one still holds until
 *     that lease ends.
 * At the end every message must be accounted for exactly once: one result per correlationId, or one dead letter
 * with its reason. Bounded: publishing is finite and collection stops at a deadline.
 */
import { ATTR } from '../../toolkit/core/pipeline/attributes';
import { FAULTY_STAGE, pipeline as crashTolerant } from '../fixtures/pipelines/crash-tolerant';
import type { DeliveryMode } from '../../toolkit/core/pipeline/topology';
import { collectMany, type Collected } from '../support/collect';
import { pipelineEnds, useLocalPipeline } from '../support/local-pipeline';
import { fixtureImage, TICKET_TEXT } from '../support/images';
import texts from '../fixtures/e2e/texts.json';

jest.setTimeout(900_000);

const TOTAL = 2_000;
/** The crash comes once this many outcomes (results and dead letters) are in: mid-run, with a backlog at nlp. */
const CRASH_AFTER = TOTAL / 4;

type Kind = 'result' | 'dead';

interface Case {
  readonly correlationId: string;
  readonly data: Buffer;
  readonly kind: Kind;
  readonly attributes: Record<string, string>;
}

/** One invoice as two image files, a PNG and a JPEG (every 250th message is one of them): same text, other bytes. */
const INVOICE_FILES = [
  { bytes: fixtureImage('ticket.png'), contentType: 'image/png' },
  { bytes: fixtureImage('ticket.jpg'), contentType: 'image/jpeg' },
] as const;

/**
 * Every 50th message is poison (2%); every 250th an invoice image (pairs of files of one invoice, no
 * idempotencyKey); the rest alternate English and other languages, the same texts again and again, every other
 * one without an idempotencyKey (its identity is then its messageId).
 */
function buildCases(): Case[] {
  const poison = [Buffer.from('{not json'), Buffer.from(JSON.stringify({ body: 'wrong field' })), Buffer.alloc(0)];
  return Array.from({ length: TOTAL }, (_, i) => {
    const correlationId = `fault-${i}`;
    const keyed: Record<string, string> = i % 4 < 2 ? { [ATTR.idempotencyKey]: correlationId } : {};
    if (i % 50 === 49) {
      const data = poison[i % poison.length] as Buffer;
      // Empty messages carry no key: alike in every byte, each is a request of its own.
      return { correlationId, data, kind: 'dead' as const, attributes: data.length === 0 ? {} : keyed };
    }
    if (i % 250 === 0) {
      const n = i / 250;
      const file = INVOICE_FILES[n % INVOICE_FILES.length] as (typeof INVOICE_FILES)[number];
      return { correlationId, data: Buffer.from(JSON.stringify({ image: { data: file.bytes.toString('base64') } })), kind: 'result' as const, attributes: { contentType: file.contentType } };
    }
    const english = [...texts.englishPositive, ...texts.englishNegative];
    const text = i % 2 === 0 ? english[i % english.length] : texts.otherLanguages[i % texts.otherLanguages.length]!.text;
    return { correlationId, data: Buffer.from(JSON.stringify({ text })), kind: 'result' as const, attributes: keyed };
  });
}

describe.each<DeliveryMode>(['push', 'pull'])('fault injection in %s delivery', (delivery) => {
  const outcomes = new Map<string, number>();
  /** The last thing each stage logged per correlationId, to say where a missing message was last seen. */
  const lastSeen = new Map<string, string[]>();

  const run = useLocalPipeline(`faults-${delivery}`, {
    pipeline: crashTolerant,
    delivery,
    stageEnv: { PIPELINE_FAULTS: JSON.stringify({ [FAULTY_STAGE]: { retryableRate: 0.1 } }) },
    // Count what the stages did, from their structured log lines.
    echo: (source, line) => {
      if (!line.startsWith('{')) return;
      try {
        const entry = JSON.parse(line) as { outcome?: string; correlationId?: string; errorCode?: string };
        const outcome = entry.outcome;
        if (outcome) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (outcome && entry.correlationId) {
          lastSeen.set(entry.correlationId, [...(lastSeen.get(entry.correlationId) ?? []), `${source}:${outcome}${entry.errorCode ? `(${entry.errorCode})` : ''}`].slice(-6));
        }
      } catch {
        // Not a log entry.
      }
    },
  });

  it(`accounts for all 2,000 messages exactly once through a ${delivery === 'push' ? 'server' : 'worker'} crash, 10% transient failures, 2% poison, repeated texts and coinciding OCR text`, async () => {
    // Prepare
    const { local, pubsub } = run;
    const cases = buildCases();
    const byCorrelation = new Map(cases.map((c) => [c.correlationId, c]));
    const { results: resultsName, deadLetters: deadName, ingress: ingressName } = pipelineEnds(local.topology);
    const ingress = pubsub.topic(ingressName, { batching: { maxMessages: 100, maxMilliseconds: 10 } });
    const seen = new Set<string>();
    let crash: Promise<void> | undefined;
    const running = () => [...local.servers, ...local.workers].find((process) => process.stage === FAULTY_STAGE);
    const killedPid = running()?.process.pid;

    // Act: publish everything; crash the faulty stage once a quarter of the outcomes are in.
    const collecting = collectMany(pubsub, [resultsName, deadName], {
      until: (received: readonly Collected[]) => {
        const last = received[received.length - 1];
        if (last) seen.add(last.attributes[ATTR.correlationId] ?? '');
        if (!crash && received.length >= CRASH_AFTER) {
          crash = local.crashStage(FAULTY_STAGE);
        }
        return seen.size >= TOTAL;
      },
      timeoutMillis: Number(process.env['FAULT_RUN_TIMEOUT_MS'] ?? 480_000),
      settleMillis: 5_000,
    });
    for (let start = 0; start < cases.length; start += 200) {
      await Promise.all(
        cases.slice(start, start + 200).map((c) =>
          ingress.publishMessage({ data: c.data, attributes: { ...c.attributes, [ATTR.correlationId]: c.correlationId } }),
        ),
      );
    }
    const received = await collecting;
    await crash;

    // Assess
    const counts = new Map<string, number>();
    for (const m of received) {
      const id = m.attributes[ATTR.correlationId] ?? '<missing>';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const results = received.filter((m) => m.subscription === resultsName);
    const dead = received.filter((m) => m.subscription === deadName);
    const lost = cases.filter((c) => !counts.has(c.correlationId)).map((c) => c.correlationId);
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    const misplaced = [...results.filter((m) => byCorrelation.get(m.attributes[ATTR.correlationId]!)?.kind !== 'result'), ...dead.filter((m) => byCorrelation.get(m.attributes[ATTR.correlationId]!)?.kind !== 'dead')];
    const restartedPid = running()?.process.pid;
    const report = {
      delivery,
      crashed: `${FAULTY_STAGE} (pid ${killedPid} killed, pid ${restartedPid} started again)`,
      published: cases.length,
      results: results.length,
      deadLetters: dead.length,
      interruptedDeliveries: local.frontDoorFailures()[FAULTY_STAGE]?.unavailable ?? 0,
      duplicatesSuppressed: outcomes.get('duplicate') ?? 0,
      retriedDeliveries: outcomes.get('retry') ?? 0,
      heldUntilLeaseEnded: outcomes.get('held') ?? 0,
      images: cases.filter((c) => c.attributes['contentType']).length,
      withoutIdempotencyKey: cases.filter((c) => !c.attributes[ATTR.idempotencyKey]).length,
      lost: lost.length,
      duplicated: duplicated.length,
      misplaced: misplaced.length,
    };
    process.stdout.write(`fault-injection run: ${JSON.stringify(report)}\n`);
    for (const id of lost.slice(0, 8)) process.stdout.write(`  lost ${id}: ${(lastSeen.get(id) ?? ['never logged']).join(' → ')}\n`);
    expect({ lost, duplicated, misplaced: misplaced.map((m) => m.attributes[ATTR.correlationId]) }).toEqual({ lost: [], duplicated: [], misplaced: [] });
    expect(report.results + report.deadLetters).toBe(TOTAL);
    expect(report.deadLetters).toBe(cases.filter((c) => c.kind === 'dead').length);
    for (const letter of dead) expect(letter.attributes[ATTR.dlqReason]).toMatch(/^(INVALID_JSON|INVALID_INPUT|EMPTY_DATA)$/);
    // The injected faults really happened.
    expect(report.retriedDeliveries).toBeGreaterThan(0);
    // Invoices whose OCR text coincides each got their own result, with the text read from the image.
    for (const c of cases.filter((x) => x.attributes['contentType'])) {
      const result = results.find((m) => m.attributes[ATTR.correlationId] === c.correlationId);
      expect(result?.json<{ text: string }>().text).toBe(TICKET_TEXT);
    }
    // The crash happened, mid-run; in push delivery it cut deliveries off mid-request (answered 503 by the front door).
    expect(crash).toBeDefined();
    expect(restartedPid).toBeDefined();
    expect(restartedPid).not.toBe(killedPid);
    if (delivery === 'push') expect(report.interruptedDeliveries).toBeGreaterThan(0);
  });
});
