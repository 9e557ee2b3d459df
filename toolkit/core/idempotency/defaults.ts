/**
 * Defaults of the idempotency store, each with its reason. They live beside the store rather than in
 * functions/pipeline/defaults.ts: that file holds the pipeline definition's defaults (plain data the CDKTF stack
 * and the local runner both compile), while these configure one runtime component and its Firestore resources.
 */
export const IDEMPOTENCY_DEFAULTS = {
  /**
   * How long a completed message is remembered: a redelivery or a re-publish within this window is acknowledged
   * without reprocessing. SQS FIFO content-based deduplication remembers 5 minutes; 10 minutes also covers
   * Pub/Sub's redelivery of a message whose acknowledgement was lost (at most the 600 s ack deadline later).
   */
  windowSeconds: 600,
  /**
   * The Firestore collection of the records. Not derived from the pipeline's name: each deployed environment has
   * a database of its own (cdktf/constructs/idempotency-database.ts), and locally the project id separates them.
   */
  collection: 'idempotency',
  /** Firestore's default database: what the emulator and a project without a dedicated database offer. */
  database: '(default)',
  /**
   * Added to a stage's timeout to make its lease: a claim outlives the longest a delivery can run, plus this much
   * for clock differences between instances, so a live delivery is never taken over.
   */
  leaseMarginMillis: 10_000,
  /**
   * How often a claim re-reads the record after another delivery changed it under it, before answering
   * `in-progress`. Each round means a competitor wrote the record, so a few rounds suffice.
   */
  claimRounds: 5,
} as const;
