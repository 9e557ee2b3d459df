import 'cdktf/lib/testing/adapters/jest';
import { StorageBucketObject } from '@cdktf/provider-google/lib/storage-bucket-object';
import { Testing } from 'cdktf';
import { FunctionArchive } from '../../../toolkit/infra/constructs/function-archive';
import { fixtureFunctionSource, only, parse } from '../support/synth';

Testing.setupJest();

describe('FunctionArchive', () => {
  it('uploads the zip under a name that holds its sha256', () => {
    const source = fixtureFunctionSource();
    const synthesised = Testing.synthScope(
      (scope) => new FunctionArchive(scope, 'archive', { bucket: 'source-bucket', zipPath: source.zipPath, sha256: source.sha256, objectPrefix: 'function-source/' }),
    );
    expect(synthesised).toHaveResourceWithProperties(StorageBucketObject, {
      bucket: 'source-bucket',
      name: `function-source/${source.sha256}.zip`,
      content_type: 'application/zip',
    });
    // The asset path is relative to the stack's folder, so it works wherever cdktf.out is.
    expect(only(parse(synthesised), 'google_storage_bucket_object')['source']).toMatch(new RegExp(`^assets/.+/${source.sha256}/function-source\\.zip$`));
  });

  it('refuses a hash that is not a sha256', () => {
    const source = fixtureFunctionSource();
    expect(() =>
      Testing.synthScope((scope) => new FunctionArchive(scope, 'archive', { bucket: 'b', zipPath: source.zipPath, sha256: 'abc', objectPrefix: '' })),
    ).toThrow(/not a hex sha256/);
  });
});
