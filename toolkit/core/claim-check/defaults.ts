import { join } from 'node:path';

/**
 * Every default of the claim check, each with its reason.
 */
export const CLAIM_CHECK_DEFAULTS = {
  /**
   * Payloads larger than this travel by reference. 512 KiB: far enough under Pub/Sub's 10 MB limit that a result
   * which grows with its input (a stage that copies the text and adds its findings) still fits, and that a push
   * request (JSON, base64 data: 4/3 of the bytes) stays small; large enough that everyday requests never pay
   * for the extra Cloud Storage round trip. Pub/Sub's throughput quotas and price count bytes, Cloud Storage's
   * count operations, so moving only the large payloads is cheapest. (SQS's message limit is 256 KB.)
   */
  thresholdBytes: 512 * 1024,
  /**
   * The largest threshold accepted: 9 MiB leaves 1 MiB of the 10 MB message for the attributes (at most 100 of
   * 256 + 1024 bytes) and the ordering key.
   */
  maxThresholdBytes: 9 * 1024 * 1024,
  /**
   * The largest payload a reference may resolve to. A stage holds the payload, its parse and its result in
   * memory (512 MiB..1 GiB instances); a reference to anything bigger is refused rather than run out of memory.
   */
  maxPayloadBytes: 64 * 1024 * 1024,
  /** Object names in the bucket start with this, so the bucket can hold other things and rules can target it. */
  objectPrefix: 'claim-check/',
  /**
   * Objects are deleted this many days after they were written (a lifecycle rule on the bucket): longer than the
   * dead-letter subscription keeps messages (7 days), so a dead letter replayed within its retention still
   * finds its payload.
   */
  objectMaxAgeDays: 14,
  /**
   * Cloud Storage client retries: a few quick ones within a stage's 30 s timeout. Beyond that the message is
   * retried by Pub/Sub with the subscription's backoff, which is the better place to wait out an outage.
   */
  storageRetry: { maxRetries: 3, totalTimeoutSeconds: 15, maxRetryDelaySeconds: 4 },
  /** Where `npm start` keeps claim-check payloads when no bucket or directory is configured (git-ignored). */
  localDirectory: join(__dirname, '..', '..', '..', '.local', 'claim-check'),
} as const;
