/**
 * `functions/dead-letters` against the real Pub/Sub emulator: dead letters made by a real stage (permanent errors
 * dead-lettered by the runtime, retryable ones by the subscription's policy) are listed without being consumed,
 * paged, replayed once the cause is fixed (through the stage again, not dropped as duplicates), and purged.
 */
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { listDeadLetters, type DeadLetterPage } from '../../../toolkit/core/dead-letters/list';
import { purgeDeadLetters } from '../../../toolkit/core/dead-letters/purge';
import { replayDeadLetters } from '../../../toolkit/core/dead-letters/replay';
import { RETRIES_EXHAUSTED } from '../../../toolkit/core/dead-letters/source';
import { collect } from '../../support/collect';
import { uniqueProject } from '../../support/emulator';
import { MemoryIdempotencyStore } from './memory-idempotency';
import { startToyStage, type ToyStage } from './toy-stage';

jest.setTimeout(120_000);

describe('dead letters on the Pub/Sub emulator', () => {
  let toy: ToyStage;
  const idempotency = new MemoryIdempotencyStore();

  beforeAll(async () => {
    toy = await startToyStage(uniqueProject('dlq'), idempotency);
  });

  afterAll(async () => {
    await toy.stop();
  });

  const publish = (text: string, mode: 'permanent' | 'retry', attributes: Record<string, string>, orderingKey?: string): Promise<string> =>
    toy.pubsub
      .topic(toy.topology.topics['input']!.name, { messageOrdering: true })
      .publishMessage({ data: Buffer.from(JSON.stringify({ text, mode })), attributes, ...(orderingKey ? { orderingKey } : {}) });

  const listAll = (): Promise<DeadLetterPage> => listDeadLetters(toy.pubsub, toy.topology, { limit: 1000 });

  /** Lists until `done` holds (listing consumes nothing, so polling is harmless). */
  const listUntil = async (done: (page: DeadLetterPage) => boolean, timeoutMillis: number): Promise<DeadLetterPage> => {
    const deadline = Date.now() + timeoutMillis;
    for (;;) {
      const page = await listAll();
      if (done(page) || Date.now() > deadline) return page;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };

  const ids = (page: DeadLetterPage): string[] => page.deadLetters.map((d) => d.messageId).sort();
  const byCorrelation = (page: DeadLetterPage, correlationId: string) => page.deadLetters.find((d) => d.correlationId === correlationId);

  it('lists dead letters of both kinds, with reason, stage and attempts, and leaves them in place', async () => {
    // Prepare: three permanent failures (one with an idempotency key and an ordering key) and one that exhausts its retries.
    const sourceIds = await Promise.all([
      publish('p1', 'permanent', { [ATTR.correlationId]: 'perm-1', [ATTR.idempotencyKey]: 'request-1' }, 'customer-7'),
      publish('p2', 'permanent', { [ATTR.correlationId]: 'perm-2' }),
      publish('p3', 'permanent', { [ATTR.correlationId]: 'perm-3' }),
      publish('r1', 'retry', { [ATTR.correlationId]: 'retry-1' }),
    ]);
    // Act
    const first = await listUntil((page) => page.deadLetters.length >= 4, 90_000);
    const second = await listAll();
    // Assess
    expect(first.deadLetters).toHaveLength(4);
    expect(ids(second)).toEqual(ids(first));
    const perm1 = byCorrelation(first, 'perm-1');
    expect(perm1).toMatchObject({
      reason: 'PERMANENT_FAILURE',
      stage: 'fixer',
      replayTopic: toy.topology.topics['input']!.name,
      sourceMessageId: sourceIds[0],
      replayCount: 0,
    });
    expect(perm1?.error).toContain('the fixer is broken for "p1"');
    expect(perm1?.attempts).toBeUndefined();
    const retry1 = byCorrelation(first, 'retry-1');
    // Dead-lettered by the subscription's policy: Pub/Sub's own attributes tell the stage (through the
    // subscription) and the attempts.
    expect(retry1).toMatchObject({ reason: RETRIES_EXHAUSTED, stage: 'fixer', attempts: 5, replayTopic: toy.topology.topics['input']!.name });
    expect(first.truncated).toBe(false);
  });

  it('pages through the dead letters without gaps or repeats', async () => {
    // Act
    const pageOne = await listDeadLetters(toy.pubsub, toy.topology, { limit: 3 });
    const pageTwo = await listDeadLetters(toy.pubsub, toy.topology, { limit: 3, pageToken: pageOne.nextPageToken });
    const all = await listAll();
    // Assess
    expect(pageOne.deadLetters).toHaveLength(3);
    expect(pageOne.nextPageToken).toEqual(expect.any(String));
    expect(pageTwo.deadLetters).toHaveLength(1);
    expect(pageTwo.nextPageToken).toBeUndefined();
    expect([...pageOne.deadLetters, ...pageTwo.deadLetters].map((d) => d.messageId)).toEqual(all.deadLetters.map((d) => d.messageId));
  });

  it('filters the list by reason and by a Pub/Sub filter', async () => {
    const exhausted = await listDeadLetters(toy.pubsub, toy.topology, { selection: { reasons: [RETRIES_EXHAUSTED] } });
    const filtered = await listDeadLetters(toy.pubsub, toy.topology, { selection: { filter: `attributes.${ATTR.correlationId} = "perm-2"` } });
    expect(exhausted.deadLetters.map((d) => d.correlationId)).toEqual(['retry-1']);
    expect(filtered.deadLetters.map((d) => d.correlationId)).toEqual(['perm-2']);
  });

  it('a dry run reports what it would replay and changes nothing', async () => {
    // Prepare
    const before = await listAll();
    const callsBefore = new Map(toy.calls);
    // Act
    const summary = await replayDeadLetters(toy.pubsub, toy.topology, { all: true, dryRun: true });
    const after = await listAll();
    // Assess
    expect(summary).toMatchObject({ dryRun: true, selected: 4, wouldReplay: 4, replayed: 0, failed: 0, skipped: 0 });
    expect(summary.items.every((item) => item.status === 'would-replay' && item.replayCount === 1)).toBe(true);
    expect(ids(after)).toEqual(ids(before));
    expect(toy.calls).toEqual(callsBefore);
  });

  it('refuses to replay everything unless asked to explicitly', async () => {
    await expect(replayDeadLetters(toy.pubsub, toy.topology, {})).rejects.toThrow(/no dead letters selected/);
  });

  it('replays the selected dead letters through the stage once the cause is fixed, and removes only them', async () => {
    // Prepare: fix the cause of the permanent failures only.
    toy.faults.permanent = false;
    // Act
    const summary = await replayDeadLetters(toy.pubsub, toy.topology, { selection: { reasons: ['PERMANENT_FAILURE'] }, ratePerSecond: 20 });
    const results = await collect(toy.pubsub, toy.topology.subscriptions['outputAll']!.name, {
      until: (received) => received.length >= 3,
      timeoutMillis: 30_000,
      settleMillis: 1_000,
    });
    const left = await listAll();
    // Assess
    expect(summary).toMatchObject({ selected: 3, replayed: 3, failed: 0, skipped: 0 });
    expect(results.map((r) => r.attributes[ATTR.correlationId]).sort()).toEqual(['perm-1', 'perm-2', 'perm-3']);
    expect(results.every((r) => r.attributes[ATTR.replayCount] === '1')).toBe(true);
    const perm1 = results.find((r) => r.attributes[ATTR.correlationId] === 'perm-1');
    expect(perm1?.json()).toEqual({ fixed: 'P1' });
    // Bookkeeping of the dead letter does not travel on.
    expect(Object.keys(perm1?.attributes ?? {}).filter((key) => key.startsWith('dlq'))).toEqual([]);
    // The publisher's key, with the replay generation: not a duplicate of the failed attempt.
    expect(idempotency.answers.filter((a) => a.key === 'key:request-1').map((a) => a.state)).toEqual(['acquired']);
    expect(idempotency.answers.filter((a) => a.key === 'key:request-1#replay:1').map((a) => a.state)).toEqual(['acquired']);
    expect(left.deadLetters.map((d) => d.correlationId)).toEqual(['retry-1']);
  });

  it('replays a dead letter Pub/Sub moved after exhausting retries to the topic of its source subscription', async () => {
    // Prepare
    toy.faults.retry = false;
    // Act
    const summary = await replayDeadLetters(toy.pubsub, toy.topology, { all: true });
    const results = await collect(toy.pubsub, toy.topology.subscriptions['outputAll']!.name, {
      until: (received) => received.some((r) => r.attributes[ATTR.correlationId] === 'retry-1'),
      timeoutMillis: 30_000,
    });
    const left = await listAll();
    // Assess
    expect(summary).toMatchObject({ selected: 1, replayed: 1 });
    expect(summary.items[0]).toMatchObject({ reason: RETRIES_EXHAUSTED, topic: toy.topology.topics['input']!.name, status: 'replayed' });
    expect(results.find((r) => r.attributes[ATTR.correlationId] === 'retry-1')?.json()).toEqual({ fixed: 'R1' });
    expect(left.deadLetters).toHaveLength(0);
  });

  it('purges what is there and nothing else', async () => {
    // Prepare: two new dead letters.
    toy.faults.permanent = true;
    await Promise.all([publish('x1', 'permanent', { [ATTR.correlationId]: 'purge-1' }), publish('x2', 'permanent', { [ATTR.correlationId]: 'purge-2' })]);
    await listUntil((page) => page.deadLetters.length >= 2, 30_000);
    // Act
    const summary = await purgeDeadLetters(toy.pubsub, toy.topology);
    const left = await listAll();
    // Assess
    expect(summary).toMatchObject({ purged: 2, kept: 0 });
    expect(left.deadLetters).toHaveLength(0);
    expect(left.scanned).toBe(0);
  });
});
