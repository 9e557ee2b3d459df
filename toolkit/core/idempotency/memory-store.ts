import { randomUUID } from 'node:crypto';
import type { ClaimResult, IdempotencyStore } from '../runtime/hooks';
import { completion, decideClaim, inProgressRecord, type IdempotencyRecord, type RecordTiming } from './record';

/**
 * An `IdempotencyStore` in this process's memory, with the Firestore store's semantics (leases, tokens, expiry).
 * For unit tests and `IDEMPOTENCY_STORE=memory`: it deduplicates only what reaches this one process, so it is
 * refused on Cloud Functions, where instances scale out (see config.ts).
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();
  private nextSweepMillis = 0;

  constructor(private readonly timing: RecordTiming) {}

  async claim(stage: string, key: string, now: Date): Promise<ClaimResult> {
    this.sweep(now);
    const id = recordKey(stage, key);
    const previous = this.records.get(id);
    const decision = decideClaim(previous, now);
    if (decision.state !== 'claimable') return decision;
    const token = randomUUID();
    this.records.set(id, inProgressRecord({ stage, key, token, now, previous }, this.timing));
    return { state: 'acquired', token };
  }

  async complete(stage: string, key: string, token: string, now: Date, windowMillis?: number): Promise<void> {
    const id = recordKey(stage, key);
    const record = this.records.get(id);
    // Another delivery took the claim over (or it was released): theirs to complete, not ours to overwrite.
    if (!record || record.token !== token || record.state !== 'in-progress') return;
    this.records.set(id, { ...record, ...completion(now, this.timing, windowMillis) });
  }

  async release(stage: string, key: string, token: string): Promise<void> {
    const id = recordKey(stage, key);
    const record = this.records.get(id);
    if (record && record.token === token && record.state === 'in-progress') this.records.delete(id);
  }

  /** The current record of a message, for tests and diagnostics. */
  record(stage: string, key: string): IdempotencyRecord | undefined {
    return this.records.get(recordKey(stage, key));
  }

  /** How many records are held (expired ones are dropped as claims come in). */
  get size(): number {
    return this.records.size;
  }

  /** Drops expired records now and then, so a long-running process does not grow without bound. */
  private sweep(now: Date): void {
    const at = now.getTime();
    if (at < this.nextSweepMillis) return;
    for (const [id, record] of this.records) if (record.expiresAt.getTime() <= at) this.records.delete(id);
    this.nextSweepMillis = at + this.timing.windowMillis / 10;
  }
}

function recordKey(stage: string, key: string): string {
  return `${stage}\n${key}`;
}
