import { leaseMillisFromTopology } from '../../../toolkit/core/idempotency/lease';
import { MemoryIdempotencyStore } from '../../../toolkit/core/idempotency/memory-store';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import { definition as pipeline } from '../../fixtures/pipelines/help-desk';
import type { ClaimResult } from '../../../toolkit/core/runtime/hooks';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const WINDOW_MILLIS = 600_000;
const LEASE_MILLIS = 40_000;
const at = (millis: number): Date => new Date(T0.getTime() + millis);

function store(): MemoryIdempotencyStore {
  return new MemoryIdempotencyStore({ windowMillis: WINDOW_MILLIS, leaseMillis: () => LEASE_MILLIS });
}

function tokenOf(claim: ClaimResult): string {
  if (claim.state !== 'acquired') throw new Error(`expected an acquired claim, got ${claim.state}`);
  return claim.token;
}

describe('MemoryIdempotencyStore', () => {
  it('acquires a new message, and answers completed for it once completed', async () => {
    // Prepare
    const records = store();
    // Act
    const first = await records.claim('language', 'key:a', T0);
    await records.complete('language', 'key:a', tokenOf(first), at(1_000));
    const again = await records.claim('language', 'key:a', at(2_000));
    // Assess
    expect(first.state).toBe('acquired');
    expect(again).toEqual({ state: 'completed' });
    expect(records.record('language', 'key:a')).toMatchObject({ state: 'completed', completedAt: at(1_000), expiresAt: at(1_000 + WINDOW_MILLIS), claims: 1 });
  });

  it('forgets a completed message when the window has passed', async () => {
    const records = store();
    await records.complete('language', 'key:a', tokenOf(await records.claim('language', 'key:a', T0)), T0);
    expect((await records.claim('language', 'key:a', at(WINDOW_MILLIS - 1))).state).toBe('completed');
    const later = await records.claim('language', 'key:a', at(WINDOW_MILLIS));
    expect(later.state).toBe('acquired');
    expect(records.record('language', 'key:a')).toMatchObject({ state: 'in-progress', claims: 2 });
  });

  it('answers in-progress, with the lease end, while another delivery holds a live lease', async () => {
    const records = store();
    await records.claim('language', 'key:a', T0);
    expect(await records.claim('language', 'key:a', at(LEASE_MILLIS - 1))).toEqual({ state: 'in-progress', leaseExpiresAt: at(LEASE_MILLIS) });
  });

  it('lets a delivery take over an abandoned claim once its lease has run out', async () => {
    // Prepare: the first delivery claims and never finishes (its instance crashed).
    const records = store();
    const crashed = tokenOf(await records.claim('language', 'key:a', T0));
    // Act
    const takeover = await records.claim('language', 'key:a', at(LEASE_MILLIS));
    // Assess
    expect(tokenOf(takeover)).not.toBe(crashed);
    expect(records.record('language', 'key:a')).toMatchObject({ state: 'in-progress', token: tokenOf(takeover), claims: 2, leaseExpiresAt: at(2 * LEASE_MILLIS) });
  });

  it('ignores complete and release from a delivery whose claim was taken over', async () => {
    // Prepare
    const records = store();
    const late = tokenOf(await records.claim('language', 'key:a', T0));
    const current = tokenOf(await records.claim('language', 'key:a', at(LEASE_MILLIS + 1)));
    // Act: the late delivery finishes after all.
    await records.complete('language', 'key:a', late, at(LEASE_MILLIS + 2));
    await records.release('language', 'key:a', late);
    // Assess: still the current holder's claim; the holder can complete it.
    expect(records.record('language', 'key:a')).toMatchObject({ state: 'in-progress', token: current });
    await records.complete('language', 'key:a', current, at(LEASE_MILLIS + 3));
    expect(records.record('language', 'key:a')?.state).toBe('completed');
  });

  it('frees a released claim at once, so the redelivery is processed', async () => {
    const records = store();
    await records.release('language', 'key:a', tokenOf(await records.claim('language', 'key:a', T0)));
    expect(records.record('language', 'key:a')).toBeUndefined();
    expect((await records.claim('language', 'key:a', at(1))).state).toBe('acquired');
  });

  it('does not release a completed message', async () => {
    const records = store();
    const token = tokenOf(await records.claim('language', 'key:a', T0));
    await records.complete('language', 'key:a', token, T0);
    await records.release('language', 'key:a', token);
    expect((await records.claim('language', 'key:a', at(1))).state).toBe('completed');
  });

  it('keeps each stage apart: a message done by one stage is new to the next', async () => {
    const records = store();
    await records.complete('language', 'key:a', tokenOf(await records.claim('language', 'key:a', T0)), T0);
    expect((await records.claim('nlp', 'key:a', at(1))).state).toBe('acquired');
  });

  it('gives exactly one of many concurrent claims the message', async () => {
    const records = store();
    const claims = await Promise.all(Array.from({ length: 20 }, () => records.claim('language', 'key:a', T0)));
    expect(claims.filter((c) => c.state === 'acquired')).toHaveLength(1);
    expect(claims.filter((c) => c.state === 'in-progress')).toHaveLength(19);
  });

  it('drops expired records as claims come in', async () => {
    const records = store();
    for (let i = 0; i < 5; i += 1) await records.complete('language', `key:${i}`, tokenOf(await records.claim('language', `key:${i}`, T0)), T0);
    expect(records.size).toBe(5);
    await records.claim('language', 'key:new', at(WINDOW_MILLIS + 1));
    expect(records.size).toBe(1);
  });

  it('sizes each stage lease from its compiled timeout', async () => {
    // Prepare
    const topology = compileTopology(pipeline, { project: 'test-project' });
    const stage = Object.values(topology.stages)[0]!;
    const records = new MemoryIdempotencyStore({ windowMillis: WINDOW_MILLIS, leaseMillis: leaseMillisFromTopology(topology, 5_000) });
    // Act
    await records.claim(stage.key, 'key:a', T0);
    // Assess
    expect(records.record(stage.key, 'key:a')?.leaseExpiresAt).toEqual(at(stage.timeoutSeconds * 1000 + 5_000));
    await expect(records.claim('no-such-stage', 'key:a', T0)).rejects.toThrow(/no lease for stage "no-such-stage"/);
  });
});
