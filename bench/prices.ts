/**
 * List prices used for the cost estimates, in US dollars, with where and when they were read. Estimates only:
 * free tiers, committed-use discounts, egress and regional differences are ignored.
 */

/** When the prices below were read. */
export const PRICES_READ_ON = '2026-11-22';

/**
 * Cloud Run functions (Cloud Functions 2nd gen), billed as a Cloud Run service with request-based billing ("CPU
 * only allocated during request processing"), Tier 1 regions. Instance time is billed while at least one request
 * is being processed, in 100 ms steps; concurrent requests share it.
 */
export const CLOUD_RUN_FUNCTIONS_TIER1 = {
  source: 'https://cloud.google.com/run/pricing',
  /** Per vCPU-second beyond the free tier. */
  vCpuSecondUsd: 0.000024,
  /** Per GiB-second beyond the free tier. */
  gibSecondUsd: 0.0000025,
  /** Per million requests (invocations) beyond the free tier. */
  perMillionRequestsUsd: 0.4,
} as const;

/** Pub/Sub message delivery basic (throughput), all regions. */
export const PUBSUB_THROUGHPUT = {
  source: 'https://cloud.google.com/pubsub/pricing',
  /** Publish and delivery (pull, streaming pull, push) throughput, per TiB (2^40 bytes). */
  perTibUsd: 40,
  /**
   * Billed at least this many bytes per publish, push or pull request: a push delivers one message per request, so
   * every small pushed message counts as 1000 bytes; publishes and pulls of batches share the minimum.
   */
  minimumBytesPerRequest: 1000,
  /** Added to each message's data and attributes: the publish timestamp. */
  timestampBytes: 20,
} as const;
