/**
 * Extension points of the stage processor, injected through `StageRuntime`. Each has a no-op default so a stage
 * runs without them (unit tests, the simplest local set-up); production wires real implementations.
 */

/** The outcome of trying to claim a message for processing. */
export type ClaimResult =
  /** This delivery owns the message until `complete` or `release`, or until the lease runs out. */
  | { readonly state: 'acquired'; readonly token: string }
  /** Processed before, within the deduplication window: acknowledge without reprocessing or republishing. */
  | { readonly state: 'completed' }
  /**
   * Another delivery holds a live lease: answer retry, so Pub/Sub redelivers after it has finished (or after the
   * lease, at `leaseExpiresAt`, when that delivery died).
   */
  | { readonly state: 'in-progress'; readonly leaseExpiresAt?: Date };

/**
 * Per-stage deduplication records (in-progress with a lease, completed with an expiry). Firestore in
 * production, the Firestore emulator locally.
 */
export interface IdempotencyStore {
  claim(stage: string, key: string, now: Date): Promise<ClaimResult>;
  /**
   * Marks the message done; later deliveries of it are duplicates until the window expires. Does nothing when
   * `token` no longer holds the claim (the lease ran out and another delivery took it over): that one completes it.
   * `windowMillis` overrides the store's window for this record (the content-deduplication window at ingress).
   */
  complete(stage: string, key: string, token: string, now: Date, windowMillis?: number): Promise<void>;
  /** Gives the claim up after a retryable failure, so the redelivery can take it at once; as `complete`, only with the holding token. */
  release(stage: string, key: string, token: string): Promise<void>;
}

/** Stores nothing: every delivery is processed (at-least-once effects). */
export const noIdempotency: IdempotencyStore = {
  claim: async () => ({ state: 'acquired', token: '' }),
  complete: async () => undefined,
  release: async () => undefined,
};

/**
 * Claim check: payloads too large for a message travel through Cloud Storage (or a local directory), and the
 * message carries a reference in the `claimCheck` attribute. Handlers never see the difference.
 */
export interface PayloadStore {
  /** Payloads larger than this many bytes are stored and passed by reference. */
  readonly thresholdBytes: number;
  /** Stores the payload and returns its reference (`gs://bucket/object` or `file:///...`). */
  put(data: Buffer, hint: { stage: string; correlationId: string }): Promise<string>;
  /** Reads a payload back; throws a `PermanentError` if the reference can never resolve, else a retryable one. */
  get(reference: string): Promise<Buffer>;
}

/** No claim check: payloads of any size travel in the message (and are refused by the limits at 10 MB). */
export const noPayloadStore: PayloadStore = {
  thresholdBytes: Number.POSITIVE_INFINITY,
  put: async () => {
    throw new Error('claim check is not configured');
  },
  get: async (reference) => {
    throw new Error(`claim check is not configured; cannot resolve ${reference}`);
  },
};
