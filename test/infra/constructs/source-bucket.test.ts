import 'cdktf/lib/testing/adapters/jest';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Testing } from 'cdktf';
import { SourceBucket } from '../../../toolkit/infra/constructs/source-bucket';
import { only, parse } from '../support/synth';

Testing.setupJest();

describe('SourceBucket', () => {
  const config = { name: 'example-project-dev-source', location: 'europe-west1', labels: { env: 'dev' }, maxAgeDays: 30, forceDestroy: true };

  it('is private, uniform-access, and deletes old archives', () => {
    const synthesised = Testing.synthScope((scope) => new SourceBucket(scope, 'bucket', config));
    expect(synthesised).toHaveResourceWithProperties(StorageBucket, {
      name: config.name,
      location: 'europe-west1',
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      force_destroy: true,
      lifecycle_rule: [{ action: { type: 'Delete' }, condition: { age: 30 } }],
    });
    expect(only(parse(synthesised), 'google_storage_bucket')['encryption']).toBeUndefined();
  });

  it('encrypts new objects with the customer-managed key when one is given', () => {
    const kmsKeyName = 'projects/p/locations/l/keyRings/r/cryptoKeys/k';
    const synthesised = Testing.synthScope((scope) => new SourceBucket(scope, 'bucket', { ...config, kmsKeyName }));
    expect(only(parse(synthesised), 'google_storage_bucket')['encryption']).toEqual({ default_kms_key_name: kmsKeyName });
  });
});
