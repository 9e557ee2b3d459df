import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../runtime/push-body';
import { CLAIM_CHECK_DEFAULTS } from './defaults';
import { BUCKET_NAME } from './reference';

/** Names of the claim-check environment variables (the CDKTF stack sets the bucket on every function). */
export const CLAIM_CHECK_ENV = {
  bucket: 'CLAIM_CHECK_BUCKET',
  directory: 'CLAIM_CHECK_DIR',
  thresholdBytes: 'CLAIM_CHECK_THRESHOLD_BYTES',
} as const;

/** `''` and whitespace mean unset, so `CLAIM_CHECK_BUCKET=` in .env turns the bucket off. */
const optionalText = z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value), z.string().optional());

/** The claim-check variables, as the environment holds them. */
export const claimCheckEnvSchema = z.object({
  [CLAIM_CHECK_ENV.bucket]: optionalText.pipe(
    z.string().regex(BUCKET_NAME, 'CLAIM_CHECK_BUCKET must be a Cloud Storage bucket name (3..63 lowercase letters, digits, - _ .), without gs://').optional(),
  ),
  [CLAIM_CHECK_ENV.directory]: optionalText,
  [CLAIM_CHECK_ENV.thresholdBytes]: optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, 'CLAIM_CHECK_THRESHOLD_BYTES must be a whole number of bytes, e.g. 524288')
      .transform(Number)
      .pipe(z.number().max(CLAIM_CHECK_DEFAULTS.maxThresholdBytes, `CLAIM_CHECK_THRESHOLD_BYTES must be at most ${CLAIM_CHECK_DEFAULTS.maxThresholdBytes} (9 MiB), leaving room for attributes under Pub/Sub's 10 MB`))
      .optional(),
  ),
});

/** Where claim-check payloads go, if anywhere. */
export type ClaimCheckConfig =
  | { readonly kind: 'gcs'; readonly bucket: string; readonly thresholdBytes: number }
  | { readonly kind: 'file'; readonly directory: string; readonly thresholdBytes: number }
  | { readonly kind: 'none' };

/**
 * Reads the claim-check configuration from the environment, once, at the edge:
 *   CLAIM_CHECK_BUCKET           a Cloud Storage bucket (deployed stages; set by the CDKTF stack)
 *   CLAIM_CHECK_DIR              a local directory (npm start sets .local/claim-check); relative to the working directory
 *   CLAIM_CHECK_THRESHOLD_BYTES  payloads above this go by reference (default 512 KiB)
 * Neither location set means no claim check. Both set, or a bad value, fails with a message naming the variable.
 */
export function parseClaimCheckConfig(env: NodeJS.ProcessEnv): ClaimCheckConfig {
  const parsed = claimCheckEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid claim-check configuration: ${describeZodError(parsed.error)}`);
  const { CLAIM_CHECK_BUCKET: bucket, CLAIM_CHECK_DIR: directory } = parsed.data;
  const thresholdBytes = parsed.data.CLAIM_CHECK_THRESHOLD_BYTES ?? CLAIM_CHECK_DEFAULTS.thresholdBytes;
  if (bucket && directory) {
    throw new Error('invalid claim-check configuration: both CLAIM_CHECK_BUCKET and CLAIM_CHECK_DIR are set; set one (a bucket in Google Cloud, a directory on one machine)');
  }
  if (bucket) return { kind: 'gcs', bucket, thresholdBytes };
  if (directory) return { kind: 'file', directory: isAbsolute(directory) ? directory : resolve(directory), thresholdBytes };
  return { kind: 'none' };
}
