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
   * A synchronous pull waits server-side until a message is there or its own bounded wait ends (about 2 s on the
   * emulator, measured); an empty answer then means the backlog has been read. The client gives up on a pull
   * after this long and counts it as empty too.
   */
  pullTimeoutMillis: 10_000,
  /** Ack ids per acknowledge / modifyAckDeadline request, well within the API's 512 KB request limit. */
  ackIdsPerRequest: 500,
  /** Held messages get their lease renewed when a third of the ack deadline has passed, long before it expires. */
  leaseRenewFraction: 1 / 3,
  /** Republishes in flight during a replay; ordering keys keep their order because publishes start in order. */
  replayInFlight: 100,
} as const;
