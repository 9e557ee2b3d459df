import { createHash } from 'node:crypto';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** Roles on the claim-check bucket; granted on that bucket only, never on the project. */
export const CLAIM_CHECK_ROLES = {
  /** Create objects (not overwrite or delete them: payloads are written once, under their content hash). */
  objectCreator: 'roles/storage.objectCreator',
  /** Read objects and their metadata. */
  objectViewer: 'roles/storage.objectViewer',
} as const;

/** Bucket names: at most 63 characters (without dots). */
const BUCKET_NAME_MAX = 63;

/**
 * The claim-check bucket's name. Bucket names are global, so the project id leads: `<project>-<prefix>-<pipeline>-claims`;
 * a name over 63 characters keeps its start and ends in a hash of the whole, so it stays deterministic.
 */
export function claimCheckBucketName(project: string, prefix: string, pipelineName: string): string {
  const base = [project, prefix, pipelineName]
    .filter(Boolean)
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    // Cloud Storage refuses names that start with "goog" or contain "google".
    .replace(/google/g, 'g00gle')
    .replace(/^goog/, 'g00g');
  const whole = `${base}-claims`;
  if (whole.length <= BUCKET_NAME_MAX) return whole;
  const hash = createHash('sha256').update(whole).digest('hex').slice(0, 6);
  return `${base.slice(0, BUCKET_NAME_MAX - '-claims'.length - hash.length - 1).replace(/-+$/, '')}-${hash}-claims`;
}

/** Configuration of a `ClaimCheckBucket`. */
export interface ClaimCheckBucketConfig {
  readonly name: string;
  /** The functions' region, so payloads are read where they are processed. */
  readonly location: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Delete payloads this many days after they were written. */
  readonly maxAgeDays: number;
  /** Let `terraform destroy` delete the bucket with objects still in it. */
  readonly forceDestroy: boolean;
  /** Customer-managed default key for new objects. */
  readonly kmsKeyName?: string;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The private bucket holding claim-check payloads: messages too large for Pub/Sub travel through it by reference
 * (functions/claim-check). Payloads are transient, so a lifecycle rule deletes them after `maxAgeDays` and soft
 * delete is off (a deleted payload is not worth keeping, and paying for, another week).
 */
export class ClaimCheckBucket extends Construct {
  readonly resource: StorageBucket;
  readonly name: string;
  /** Grants made with `allowReadWrite`, by grantee key. */
  readonly grants: Record<string, readonly StorageBucketIamMember[]> = {};

  constructor(scope: Construct, id: string, config: ClaimCheckBucketConfig) {
    super(scope, id);
    this.resource = new StorageBucket(this, 'bucket', {
      name: config.name,
      location: config.location,
      labels: { ...config.labels },
      // IAM only, no object ACLs; and no way to make anything in it public, whatever an ACL or grant says.
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      forceDestroy: config.forceDestroy,
      lifecycleRule: [{ action: { type: 'Delete' }, condition: { age: config.maxAgeDays } }],
      softDeletePolicy: { retentionDurationSeconds: 0 },
      ...(config.kmsKeyName ? { encryption: { defaultKmsKeyName: config.kmsKeyName } } : {}),
      ...(config.dependsOn?.length ? { dependsOn: config.dependsOn } : {}),
    });
    this.name = this.resource.name;
  }

  /** Lets `member` create and read payloads in this bucket, and nothing else (`key` names the grants). */
  allowReadWrite(key: string, member: string): readonly StorageBucketIamMember[] {
    const grants = Object.entries(CLAIM_CHECK_ROLES).map(
      ([name, role]) => new StorageBucketIamMember(this, `${key}-${name}`, { bucket: this.resource.name, role, member }),
    );
    this.grants[key] = grants;
    return grants;
  }
}
