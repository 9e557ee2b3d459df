import type { StorageBucketConfig } from '@cdktf/provider-google/lib/storage-bucket';
import type { ITerraformDependable } from 'cdktf';

/** What every private bucket of the stack is configured with. */
export interface PrivateBucketConfig {
  readonly name: string;
  /** The functions' region: objects are written and read where they are processed. */
  readonly location: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Delete objects this many days after they were written. */
  readonly maxAgeDays: number;
  /** Let `terraform destroy` delete the bucket with objects still in it. */
  readonly forceDestroy: boolean;
  /** Customer-managed default key for new objects. */
  readonly kmsKeyName?: string;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The settings every bucket of the stack shares: IAM only (no object ACLs), public access prevented whatever an
 * ACL or grant says, objects deleted after `maxAgeDays`, CMEK when given.
 */
export function privateBucketSettings(config: PrivateBucketConfig): StorageBucketConfig {
  return {
    name: config.name,
    location: config.location,
    labels: { ...config.labels },
    uniformBucketLevelAccess: true,
    publicAccessPrevention: 'enforced',
    forceDestroy: config.forceDestroy,
    lifecycleRule: [{ action: { type: 'Delete' }, condition: { age: config.maxAgeDays } }],
    ...(config.kmsKeyName ? { encryption: { defaultKmsKeyName: config.kmsKeyName } } : {}),
    ...(config.dependsOn?.length ? { dependsOn: config.dependsOn } : {}),
  };
}
