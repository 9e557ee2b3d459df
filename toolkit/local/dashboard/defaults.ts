/**
 * Every default of the local dashboard (`npm start`'s live page), each with its reason.
 */
export const DASHBOARD_DEFAULTS = {
  /** A fixed port, so the page can be bookmarked; DASHBOARD_PORT=0 picks a free one, DASHBOARD_PORT=off none. */
  port: 8790,
  /** Loopback only: the page can replay dead letters, so nothing off this machine may reach it. */
  host: '127.0.0.1',
  /** Latency samples kept per stage for the percentiles: enough for a stable p99, small enough to sort often. */
  latencySamples: 1_000,
  /** Seconds of per-second message counts kept per stage: the span of the rate chart. */
  rateWindowSeconds: 120,
  /** Requests whose journeys are kept; the oldest is forgotten first. A local run rarely needs more. */
  journeys: 5_000,
  /** Hops kept per journey: a message retried ten times and replayed still fits. */
  hopsPerJourney: 100,
  /** Most recent correlationIds offered on the page as links. */
  recentRequests: 15,
  /** messageIds remembered per stage to count each message's acknowledgement once (redeliveries repeat them). */
  rememberedMessageIds: 200_000,
  /** How often the page is sent a fresh snapshot (Server-Sent Events), milliseconds. */
  pushIntervalMillis: 1_000,
  /**
   * How often the dead letters are read again when no stage reported one, milliseconds. Reading holds every dead
   * letter for about two seconds (Pub/Sub has no peek), during which `aipipe dlq replay` would not see them; so
   * they are read again only this rarely, and soon after a stage logs a dead letter.
   */
  deadLetterRefreshMillis: 15_000,
  /** Wait after a stage logs a dead letter before reading them, so a burst costs one read. */
  deadLetterDebounceMillis: 1_000,
  /** Dead letters shown on the page. */
  deadLettersShown: 50,
  /** Largest replay request body accepted, bytes: it holds one messageId and the token. */
  maxRequestBytes: 4_096,
} as const;
