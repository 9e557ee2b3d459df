import 'cdktf/lib/testing/adapters/jest';
import { DataGoogleStorageProjectServiceAccount } from '@cdktf/provider-google/lib/data-google-storage-project-service-account';
import { Testing } from 'cdktf';
import { CmekAccess } from '../../../toolkit/infra/constructs/cmek-access';
import { parse, reference, resources } from '../support/synth';

Testing.setupJest();

describe('CmekAccess', () => {
  it('lets the Pub/Sub and Cloud Storage service agents use the key, granted on the key only', () => {
    const kmsKeyName = 'projects/p/locations/l/keyRings/r/cryptoKeys/k';
    const pubsub = 'serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com';
    const synthesised = Testing.synthScope((scope) => new CmekAccess(scope, 'cmek', { project: 'example-project', kmsKeyName, pubsubServiceAgentMember: pubsub }));
    expect(synthesised).toHaveDataSourceWithProperties(DataGoogleStorageProjectServiceAccount, { project: 'example-project' });
    const grants = resources(parse(synthesised), 'google_kms_crypto_key_iam_member').map((r) => r.body);
    expect(grants).toHaveLength(2);
    for (const grant of grants) expect(grant).toMatchObject({ crypto_key_id: kmsKeyName, role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter' });
    expect(grants.map((g) => g['member'])).toContain(pubsub);
    expect(grants.map((g) => reference(g['member'])?.type)).toContain('google_storage_project_service_account');
  });
});
