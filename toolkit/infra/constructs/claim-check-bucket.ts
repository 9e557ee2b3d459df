import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Construct } from 'constructs';
import { privateBucketSettings, type PrivateBucketConfig } from './private-bucket';

/** Roles on the claim-check bucket; granted on that bucket only, never on the project. */
export const CLAIM_CHECK_ROLES = {
  /** Create objects (not overwrite or delete them: payloads are written once, under their content hash). */
  objectCreator: 'roles/storage.objectCreator',
  /** Read objects and their metadata. */
  objectViewer: 'roles/storage.objectViewer',
} as const;

/** The bucket's name, derived like every other name the topology does not make itself. */
export { claimCheckBucketName } from '../names';

/** Configuration of a `ClaimCheckBucket`: a private bucket; objects are payloads, deleted after `maxAgeDays`. */
export type ClaimCheckBucketConfig = PrivateBucketConfig;

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
      ...privateBucketSettings(config),
      softDeletePolicy: { retentionDurationSeconds: 0 },
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
