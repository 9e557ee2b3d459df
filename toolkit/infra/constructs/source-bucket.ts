import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Construct } from 'constructs';
import { privateBucketSettings, type PrivateBucketConfig } from './private-bucket';

/** Configuration of a `SourceBucket`: a private bucket; objects are archives, deleted after `maxAgeDays`. */
export type SourceBucketConfig = PrivateBucketConfig;

/** The private bucket holding the functions' source archives. */
export class SourceBucket extends Construct {
  readonly resource: StorageBucket;
  readonly name: string;

  constructor(scope: Construct, id: string, config: SourceBucketConfig) {
    super(scope, id);
    this.resource = new StorageBucket(this, 'bucket', privateBucketSettings(config));
    this.name = this.resource.name;
  }
}
