import { DataGoogleStorageProjectServiceAccount } from '@cdktf/provider-google/lib/data-google-storage-project-service-account';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { Construct } from 'constructs';
import { ROLES } from '../roles';

/** Configuration of `CmekAccess`. */
export interface CmekAccessConfig {
  readonly project: string;
  /** `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`. */
  readonly kmsKeyName: string;
  /** The Pub/Sub service agent (`PubsubServiceAgent.member`). */
  readonly pubsubServiceAgentMember: string;
}

/**
 * Lets the Pub/Sub and Cloud Storage service agents encrypt with the customer-managed key, granted on that key
 * only. Topics and the bucket depend on these grants: creating them with a key their agent cannot use fails.
 */
export class CmekAccess extends Construct {
  readonly pubsubGrant: KmsCryptoKeyIamMember;
  readonly storageGrant: KmsCryptoKeyIamMember;

  constructor(scope: Construct, id: string, config: CmekAccessConfig) {
    super(scope, id);
    const storageAgent = new DataGoogleStorageProjectServiceAccount(this, 'storage-agent', { project: config.project });
    this.pubsubGrant = new KmsCryptoKeyIamMember(this, 'pubsub', {
      cryptoKeyId: config.kmsKeyName,
      role: ROLES.cryptoKeyEncrypterDecrypter,
      member: config.pubsubServiceAgentMember,
    });
    this.storageGrant = new KmsCryptoKeyIamMember(this, 'storage', {
      cryptoKeyId: config.kmsKeyName,
      role: ROLES.cryptoKeyEncrypterDecrypter,
      member: storageAgent.member,
    });
  }
}
