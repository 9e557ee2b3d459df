import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** Configuration of a `SourceBucket`. */
export interface SourceBucketConfig {
  readonly name: string;
  /** The functions' region: Cloud Build reads the archive from there. */
  readonly location: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Delete archives older than this many days. */
  readonly maxAgeDays: number;
  /** Let `terraform destroy` delete the bucket with objects still in it. */
  readonly forceDestroy: boolean;
  /** Customer-managed default key for new objects. */
  readonly kmsKeyName?: string;
  readonly dependsOn?: ITerraformDependable[];
}

/** The private bucket holding the functions' source archives. */
export class SourceBucket extends Construct {
  readonly resource: StorageBucket;
  readonly name: string;

  constructor(scope: Construct, id: string, config: SourceBucketConfig) {
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
      ...(config.kmsKeyName ? { encryption: { defaultKmsKeyName: config.kmsKeyName } } : {}),
      ...(config.dependsOn?.length ? { dependsOn: config.dependsOn } : {}),
    });
    this.name = this.resource.name;
  }
}
