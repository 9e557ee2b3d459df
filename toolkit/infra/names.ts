/**
 * Names of the Google resources the topology does not name itself (service accounts, the source bucket), derived
 * deterministically from names the topology did make. Too-long names are shortened with a hash of the full
 * name, never randomised, so the same topology always gives the same names.
 */
import { createHash } from 'node:crypto';

/** Service account ids: 6..30 lowercase letters, digits and hyphens, starting with a letter. */
const ACCOUNT_ID_MAX = 30;
const ACCOUNT_ID_MIN = 6;
/** Bucket names: at most 63 characters (without dots). */
const BUCKET_NAME_MAX = 63;
/** Firestore database ids: 4..63 lowercase letters, digits and hyphens, starting with a letter. */
const DATABASE_ID_MAX = 63;

function shortHash(value: string, length: number): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

/** Lowercase, hyphens for anything else, no leading/trailing/double hyphens. */
function slug(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * `base-suffix`, or when that is longer than `max`: the first segment of `base` (the environment prefix), a hash
 * of the whole, and as many of the last segments (the stage) as fit, then the suffix. Only if even that does not
 * fit is the base cut short.
 */
function fit(base: string, suffix: string, max: number): string {
  const whole = `${base}-${suffix}`;
  if (whole.length <= max) return whole;
  const hash = shortHash(whole, 4);
  const segments = base.split('-');
  for (let drop = 1; drop < segments.length; drop++) {
    const candidate = [segments[0], hash, ...segments.slice(1 + drop), suffix].join('-');
    if (candidate.length <= max) return candidate;
  }
  const room = max - suffix.length - hash.length - 2;
  return `${base.slice(0, room).replace(/-+$/, '')}-${hash}-${suffix}`;
}

/**
 * A service account id for one role of one stage: `dev-ai-inference-nlp` + `fn` → `dev-ai-inference-nlp-fn`;
 * over 30 characters, the middle gives way to a hash: `prod-ai-inference-language` + `push` →
 * `prod-<hash>-language-push`.
 */
export function serviceAccountId(functionName: string, role: string): string {
  let id = fit(slug(functionName), slug(role), ACCOUNT_ID_MAX);
  if (!/^[a-z]/.test(id)) id = `sa-${id}`.slice(0, ACCOUNT_ID_MAX);
  return id.length >= ACCOUNT_ID_MIN ? id : `${id}-sa`.padEnd(ACCOUNT_ID_MIN, '0');
}

/**
 * The function source bucket's name. Bucket names are global, so the project id leads:
 * `<project>-<prefix>-<pipeline>-source`.
 */
export function sourceBucketName(project: string, prefix: string, pipelineName: string): string {
  return bucketName(project, prefix, pipelineName, 'source');
}

/** The claim-check bucket's name: `<project>-<prefix>-<pipeline>-claims`. */
export function claimCheckBucketName(project: string, prefix: string, pipelineName: string): string {
  return bucketName(project, prefix, pipelineName, 'claims');
}

/** `<project>-<prefix>-<pipeline>-<suffix>`, made valid and at most 63 characters. */
function bucketName(project: string, prefix: string, pipelineName: string, suffix: string): string {
  const base = slug([project, prefix, pipelineName].filter(Boolean).join('-'));
  // Cloud Storage refuses names that start with "goog" or contain "google".
  const safe = base.replace(/google/g, 'g00gle').replace(/^goog/, 'g00g');
  return fit(safe, suffix, BUCKET_NAME_MAX);
}

/**
 * The id of the Firestore database holding one environment's idempotency records:
 * `<prefix>-<pipeline>-idempotency`, e.g. `dev-ai-inference-idempotency`. Database ids are per project, so the
 * prefix keeps two environments in one project apart.
 */
export function idempotencyDatabaseId(prefix: string, pipelineName: string): string {
  const id = fit(slug([prefix, pipelineName].filter(Boolean).join('-')), 'idempotency', DATABASE_ID_MAX);
  return /^[a-z]/.test(id) ? id : `db-${id}`.slice(0, DATABASE_ID_MAX);
}
