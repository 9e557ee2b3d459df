/**
 * Every default of the dead-letter tools (`aipipe dlq list | replay | purge`), each with its reason.
 */
export const DEAD_LETTER_DEFAULTS = {
  /** Dead letters shown per page by `dlq list`: one screen. */
  pageSize: 20,
  /**
   * The most dead letters one command holds at once. Pub/Sub has no peek and no cursor, so listing (and selecting
   * for replay) pulls and holds the whole backlog; this bounds memory and the time the messages are invisible to
   * other readers. A healthy pipeline has far fewer dead letters than this.
   */
  scanMax: 10_000,
  /** Pub/Sub returns at most 1,000 messages per pull. */
  pullBatchSize: 1_000,
  /**
   * Deadline of each synchronous pull. The server answers as soon as messages are there, and holds a pull that
   * finds none until shortly before this deadline (measured on the emulator: ~1 s before it), so this is how
   * long a command waits to be sure the backlog has been read. Long enough to catch messages just handed back
   * (the emulator redelivers them after ~2 s even with no backoff), short enough for an interactive command.
   */
  pullTimeoutMillis: 3_000,
  /** Ack ids per acknowledge / modifyAckDeadline request, well within the API's 512 KB request limit. */
  ackIdsPerRequest: 500,
  /** Held messages get their lease renewed when a third of the ack deadline has passed, long before it expires. */
  leaseRenewFraction: 1 / 3,
  /** Republishes in flight during a replay; ordering keys keep their order because publishes start in order. */
  replayInFlight: 100,
} as const;
