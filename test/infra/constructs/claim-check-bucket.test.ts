import 'cdktf/lib/testing/adapters/jest';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Testing } from 'cdktf';
import { ClaimCheckBucket, claimCheckBucketName } from '../../../toolkit/infra/constructs/claim-check-bucket';
import { type Body, fixtureStacks, only, parse, reference, resources, target } from '../support/synth';

Testing.setupJest();

describe('ClaimCheckBucket', () => {
  const config = { name: 'example-project-dev-ai-inference-claims', location: 'europe-west1', labels: { env: 'dev' }, maxAgeDays: 14, forceDestroy: true };

  it('is private, uniform-access, deletes payloads after maxAgeDays and keeps no soft-deleted copies', () => {
    // Act
    const synthesised = Testing.synthScope((scope) => new ClaimCheckBucket(scope, 'claims', config));
    // Assess
    expect(synthesised).toHaveResourceWithProperties(StorageBucket, {
      name: config.name,
      location: 'europe-west1',
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      force_destroy: true,
      lifecycle_rule: [{ action: { type: 'Delete' }, condition: { age: 14 } }],
      soft_delete_policy: { retention_duration_seconds: 0 },
    });
    expect(only(parse(synthesised), 'google_storage_bucket')['encryption']).toBeUndefined();
  });

  it('encrypts new objects with the customer-managed key when one is given', () => {
    const kmsKeyName = 'projects/p/locations/l/keyRings/r/cryptoKeys/k';
    const synthesised = Testing.synthScope((scope) => new ClaimCheckBucket(scope, 'claims', { ...config, kmsKeyName }));
    expect(only(parse(synthesised), 'google_storage_bucket')['encryption']).toEqual({ default_kms_key_name: kmsKeyName });
  });

  it('grants a member objectCreator and objectViewer on this bucket only', () => {
    // Act
    const synthesised = Testing.synthScope((scope) => {
      const bucket = new ClaimCheckBucket(scope, 'claims', config);
      bucket.allowReadWrite('language', 'serviceAccount:language@example-project.iam.gserviceaccount.com');
    });
    // Assess
    const grants = resources(parse(synthesised), 'google_storage_bucket_iam_member');
    expect(grants.map((g) => g.body['role']).sort()).toEqual(['roles/storage.objectCreator', 'roles/storage.objectViewer']);
    for (const grant of grants) {
      expect(grant.body['member']).toBe('serviceAccount:language@example-project.iam.gserviceaccount.com');
      expect(reference(grant.body['bucket'])).toMatchObject({ type: 'google_storage_bucket', attribute: 'name' });
    }
    expect(synthesised).not.toHaveResourceWithProperties(StorageBucketIamMember, { role: 'roles/storage.admin' });
  });

  it.each([
    ['example-project', 'dev', 'ai-inference', 'example-project-dev-ai-inference-claims'],
    ['example-project', '', 'ai-inference', 'example-project-ai-inference-claims'],
    ['google-proj-123', 'dev', 'ai', 'g00gle-proj-123-dev-ai-claims'],
  ])('names the bucket after project %s, prefix "%s", pipeline %s', (project, prefix, pipelineName, expected) => {
    expect(claimCheckBucketName(project, prefix, pipelineName)).toBe(expected);
  });

  it('keeps long names within 63 characters, deterministically', () => {
    const name = claimCheckBucketName('a-very-long-project-id-here-x', 'production-eu-west', 'an-inference-pipeline-with-a-long-name');
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]*-claims$/);
    expect(claimCheckBucketName('a-very-long-project-id-here-x', 'production-eu-west', 'an-inference-pipeline-with-a-long-name')).toBe(name);
  });
});

describe('the claim-check bucket in the pipeline stack', () => {
  it('is given to every function as CLAIM_CHECK_BUCKET, and every stage identity may create and read in it', () => {
    // Prepare
    const [dev] = fixtureStacks();
    const json = parse(Testing.synth(dev as NonNullable<typeof dev>));
    const bucket = resources(json, 'google_storage_bucket').find((b) => String(b.body['name']).endsWith('-claims'));
    // Act
    const functions = resources(json, 'google_cloudfunctions2_function');
    const grants = resources(json, 'google_storage_bucket_iam_member').filter((g) => reference(g.body['bucket'])?.id === bucket?.id);
    // Assess
    expect(bucket).toBeDefined();
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      const serviceConfig = fn.body['service_config'] as Body;
      const env = serviceConfig['environment_variables'] as Record<string, string>;
      expect(reference(env['CLAIM_CHECK_BUCKET'])).toMatchObject({ type: 'google_storage_bucket', id: bucket?.id, attribute: 'name' });
      const account = target(json, serviceConfig['service_account_email']);
      const roles = grants.filter((g) => reference(g.body['member'])?.id === account.id).map((g) => g.body['role']);
      expect(roles.sort()).toEqual(['roles/storage.objectCreator', 'roles/storage.objectViewer']);
    }
    expect(grants).toHaveLength(functions.length * 2);
  });
});
