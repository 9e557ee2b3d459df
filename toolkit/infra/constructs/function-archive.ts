import { StorageBucketObject } from '@cdktf/provider-google/lib/storage-bucket-object';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';

/** Configuration of a `FunctionArchive`. */
export interface FunctionArchiveConfig {
  readonly bucket: string;
  /** Absolute path of the zip built by scripts/build-functions.ts. */
  readonly zipPath: string;
  /** Hex sha256 of the zip. */
  readonly sha256: string;
  /** Object name prefix inside the bucket. */
  readonly objectPrefix: string;
}

/**
 * The functions' source zip, uploaded under a name that contains its sha256. Gen2 functions do not redeploy when
 * the object under the same name changes; a new name does redeploy them, and an unchanged build changes nothing.
 */
export class FunctionArchive extends Construct {
  readonly asset: TerraformAsset;
  readonly object: StorageBucketObject;
  readonly bucket: string;
  readonly objectName: string;

  constructor(scope: Construct, id: string, config: FunctionArchiveConfig) {
    super(scope, id);
    if (!/^[0-9a-f]{64}$/.test(config.sha256)) throw new Error(`function archive sha256 "${config.sha256}" is not a hex sha256`);
    // Copies the zip into the stack's output folder, so `cdktf deploy` and plain `terraform apply` find it.
    this.asset = new TerraformAsset(this, 'zip', { path: config.zipPath, type: AssetType.FILE, assetHash: config.sha256 });
    this.object = new StorageBucketObject(this, 'object', {
      bucket: config.bucket,
      name: `${config.objectPrefix}${config.sha256}.zip`,
      source: this.asset.path,
      contentType: 'application/zip',
    });
    this.bucket = this.object.bucket;
    this.objectName = this.object.name;
  }
}
