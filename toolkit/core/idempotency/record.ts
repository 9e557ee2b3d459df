/**
 * The deduplication record of one message in one stage, and the rules both stores apply to it. Keeping the rules
 * here means the in-memory store used by unit tests and the Firestore store used everywhere else cannot drift.
 */

/** The states of a record. */
export const RECORD_STATES = ['in-progress', 'completed'] as const;
/** One of `RECORD_STATES`. */
export type RecordState = (typeof RECORD_STATES)[number];

/** One message's deduplication record for one stage. */
export interface IdempotencyRecord {
  readonly stage: string;
  /** The claimed key (`key:<idempotencyKey>`, `message:<ingress messageId>` or `content:<hash>`, see runtime/idempotency-key.ts). */
  readonly key: string;
  readonly state: RecordState;
  /** Random id of the delivery that holds (or completed) the claim. */
  readonly token: string;
  readonly claimedAt: Date;
  /** Until when the claiming delivery owns the message; afterwards another delivery may take it over. */
  readonly leaseExpiresAt: Date;
  readonly completedAt?: Date;
  /**
   * When the record stops mattering; Firestore's TTL policy deletes it some time later (typically within a day),
   * so readers compare against it themselves. Completed: the end of the deduplication window. In progress: the
   * end of the lease plus the window, so that a delivery finishing after its lease (with nobody having taken it
   * over) still finds its record and can mark it completed.
   */
  readonly expiresAt: Date;
  /** How many deliveries have claimed the message: 1, more after releases, takeovers or expiry. */
  readonly claims: number;
}

/** What a claim finds: an answer for the caller, or a record it may (over)write. */
export type ClaimDecision =
  | { readonly state: 'completed' }
  | { readonly state: 'in-progress'; readonly leaseExpiresAt: Date }
  /** Absent, released, expired, or abandoned (lease ran out): the caller may claim it. */
  | { readonly state: 'claimable' };

/**
 * Decides a claim against the current record: completed within the window → completed; in progress with a live
 * lease → in-progress; anything else → claimable.
 */
export function decideClaim(record: IdempotencyRecord | undefined, now: Date): ClaimDecision {
  if (!record) return { state: 'claimable' };
  const at = now.getTime();
  if (record.state === 'completed' && record.expiresAt.getTime() > at) return { state: 'completed' };
  if (record.state === 'in-progress' && record.leaseExpiresAt.getTime() > at) return { state: 'in-progress', leaseExpiresAt: record.leaseExpiresAt };
  return { state: 'claimable' };
}

/** Timing of the records of one store. */
export interface RecordTiming {
  /** How long a completed record deduplicates. */
  readonly windowMillis: number;
  /** A stage's lease: at least the longest one delivery can run (its timeout). */
  readonly leaseMillis: (stage: string) => number;
}

/** The record a successful claim writes. `previous` is the record it replaces, if any. */
export function inProgressRecord(
  claim: { stage: string; key: string; token: string; now: Date; previous?: IdempotencyRecord },
  timing: RecordTiming,
): IdempotencyRecord {
  const leaseExpiresAt = new Date(claim.now.getTime() + timing.leaseMillis(claim.stage));
  return {
    stage: claim.stage,
    key: claim.key,
    state: 'in-progress',
    token: claim.token,
    claimedAt: claim.now,
    leaseExpiresAt,
    expiresAt: new Date(leaseExpiresAt.getTime() + timing.windowMillis),
    claims: (claim.previous?.claims ?? 0) + 1,
  };
}

/**
 * The fields `complete` changes: the record becomes a duplicate marker until the window ends (the store's, or
 * `windowMillis` when the caller gives one: the content-deduplication window).
 */
export function completion(now: Date, timing: RecordTiming, windowMillis?: number): Pick<IdempotencyRecord, 'state' | 'completedAt' | 'expiresAt'> {
  return { state: 'completed', completedAt: now, expiresAt: new Date(now.getTime() + (windowMillis ?? timing.windowMillis)) };
}
