/**
 * FirestoreIdempotencyStore against the real Firestore emulator (started by test/support/global-setup.ts): the
 * same semantics as the in-memory store, plus what only a shared database can show: concurrent claims from
 * separate clients, and the stored layout the TTL policy relies on.
 */
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { FirestoreIdempotencyStore } from '../../../toolkit/core/idempotency/firestore-store';
import { recordDocumentId } from '../../../toolkit/core/idempotency/document-id';
import type { ClaimResult } from '../../../toolkit/core/runtime/hooks';
import { uniqueProject } from '../../support/emulator';
import { firestoreClient } from '../../support/firestore';

jest.setTimeout(60_000);

const T0 = new Date('2026-01-01T00:00:00.000Z');
const WINDOW_MILLIS = 600_000;
const LEASE_MILLIS = 40_000;
const COLLECTION = 'idempotency-test';
const at = (millis: number): Date => new Date(T0.getTime() + millis);

function tokenOf(claim: ClaimResult): string {
  if (claim.state !== 'acquired') throw new Error(`expected an acquired claim, got ${claim.state}`);
  return claim.token;
}

describe('FirestoreIdempotencyStore on the Firestore emulator', () => {
  const project = uniqueProject('idem');
  const clients: Firestore[] = [];
  const newStore = (): FirestoreIdempotencyStore => {
    const client = firestoreClient(project);
    clients.push(client);
    return new FirestoreIdempotencyStore(client, { collection: COLLECTION, windowMillis: WINDOW_MILLIS, leaseMillis: () => LEASE_MILLIS });
  };
  let store: FirestoreIdempotencyStore;
  let key: string;

  beforeAll(() => {
    store = newStore();
  });

  beforeEach(() => {
    key = `key:${expect.getState().currentTestName}`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.terminate()));
  });

  it('acquires a new message, and answers completed for it once completed', async () => {
    const first = await store.claim('language', key, T0);
    await store.complete('language', key, tokenOf(first), at(1_000));
    expect(await store.claim('language', key, at(2_000))).toEqual({ state: 'completed' });
    expect(await store.record('language', key)).toMatchObject({ state: 'completed', completedAt: at(1_000), expiresAt: at(1_000 + WINDOW_MILLIS), claims: 1 });
  });

  it('stores one document per stage and key, under a hashed id, with a Timestamp expiresAt for the TTL policy', async () => {
    // Act
    await store.claim('language', key, T0);
    // Assess
    const raw = await clients[0]!.collection(COLLECTION).doc(recordDocumentId('language', key)).get();
    expect(raw.exists).toBe(true);
    expect(raw.get('expiresAt')).toBeInstanceOf(Timestamp);
    expect((raw.get('expiresAt') as Timestamp).toDate()).toEqual(at(LEASE_MILLIS + WINDOW_MILLIS));
    expect(raw.data()).toMatchObject({ stage: 'language', key, state: 'in-progress', claims: 1 });
  });

  it('forgets a completed message when the window has passed', async () => {
    await store.complete('language', key, tokenOf(await store.claim('language', key, T0)), T0);
    expect((await store.claim('language', key, at(WINDOW_MILLIS - 1))).state).toBe('completed');
    const later = await store.claim('language', key, at(WINDOW_MILLIS));
    expect(later.state).toBe('acquired');
    expect(await store.record('language', key)).toMatchObject({ state: 'in-progress', claims: 2 });
    expect((await store.record('language', key))?.completedAt).toBeUndefined();
  });

  it('answers in-progress while another delivery holds a live lease', async () => {
    await store.claim('language', key, T0);
    expect(await store.claim('language', key, at(LEASE_MILLIS - 1))).toEqual({ state: 'in-progress', leaseExpiresAt: at(LEASE_MILLIS) });
  });

  it('lets a delivery take over once the lease has run out; the late delivery cannot complete or release it', async () => {
    // Prepare
    const late = tokenOf(await store.claim('language', key, T0));
    const current = tokenOf(await store.claim('language', key, at(LEASE_MILLIS)));
    // Act
    await store.complete('language', key, late, at(LEASE_MILLIS + 1));
    await store.release('language', key, late);
    // Assess
    expect(await store.record('language', key)).toMatchObject({ state: 'in-progress', claims: 2, leaseExpiresAt: at(2 * LEASE_MILLIS) });
    await store.complete('language', key, current, at(LEASE_MILLIS + 2));
    expect((await store.record('language', key))?.state).toBe('completed');
  });

  it('lets a delivery that outlived its lease complete, when nobody took over', async () => {
    const slow = tokenOf(await store.claim('language', key, T0));
    await store.complete('language', key, slow, at(LEASE_MILLIS + 5_000));
    expect((await store.claim('language', key, at(LEASE_MILLIS + 6_000))).state).toBe('completed');
  });

  it('frees a released claim at once; a release does not undo a completion', async () => {
    await store.release('language', key, tokenOf(await store.claim('language', key, T0)));
    expect(await store.record('language', key)).toBeUndefined();
    const second = tokenOf(await store.claim('language', key, at(1)));
    await store.complete('language', key, second, at(2));
    await store.release('language', key, second);
    expect((await store.claim('language', key, at(3))).state).toBe('completed');
  });

  it('keeps each stage apart', async () => {
    await store.complete('language', key, tokenOf(await store.claim('language', key, T0)), T0);
    expect((await store.claim('nlp', key, at(1))).state).toBe('acquired');
  });

  it('gives exactly one of 20 concurrent claims from separate clients the message', async () => {
    // Prepare: separate clients, as separate function instances would be.
    const stores = Array.from({ length: 4 }, () => newStore());
    // Act
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % stores.length]!.claim('language', key, T0)));
    // Assess
    expect(claims.filter((c) => c.state === 'acquired')).toHaveLength(1);
    expect(claims.filter((c) => c.state === 'in-progress')).toHaveLength(19);
  });

  it('gives exactly one of 20 concurrent takeovers of an abandoned claim the message', async () => {
    await store.claim('language', key, T0);
    const stores = Array.from({ length: 4 }, () => newStore());
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % stores.length]!.claim('language', key, at(LEASE_MILLIS))));
    expect(claims.filter((c) => c.state === 'acquired')).toHaveLength(1);
    expect(await store.record('language', key)).toMatchObject({ claims: 2 });
  });

  it('takes over a document it cannot read as a record instead of failing the message forever', async () => {
    await clients[0]!.collection(COLLECTION).doc(recordDocumentId('language', key)).set({ state: 'something else' });
    expect((await store.claim('language', key, T0)).state).toBe('acquired');
    expect(await store.record('language', key)).toMatchObject({ state: 'in-progress', claims: 1 });
  });

  it('refuses a token it did not issue, naming the expected form', async () => {
    await expect(store.complete('language', key, 'not-a-token', T0)).rejects.toThrow(/invalid idempotency token "not-a-token": expected one returned by FirestoreIdempotencyStore.claim/);
  });

  it('keeps records in the configured database, apart from other databases', async () => {
    // Prepare: the deployed stack gives each environment a named database; the emulator creates them on use.
    const named = firestoreClient(project, 'dev-ai-inference-idem');
    clients.push(named);
    const inNamed = new FirestoreIdempotencyStore(named, { collection: COLLECTION, windowMillis: WINDOW_MILLIS, leaseMillis: () => LEASE_MILLIS });
    // Act
    await inNamed.complete('language', key, tokenOf(await inNamed.claim('language', key, T0)), T0);
    // Assess
    expect((await inNamed.claim('language', key, at(1))).state).toBe('completed');
    expect((await store.claim('language', key, at(1))).state).toBe('acquired');
  });
});
