import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Construct } from 'constructs';
import type { CompiledStage } from '../../core/pipeline/topology';
import { ROLES } from '../roles';
import { serviceAccountId } from '../names';

/** Configuration of a `PushInvoker`. */
export interface PushInvokerConfig {
  readonly stage: CompiledStage;
  readonly project: string;
  readonly region: string;
  /** The Cloud Run service behind the stage's function (`StageFunction.serviceName`). */
  readonly serviceName: string;
  /** `serviceAccount:service-<number>@gcp-sa-pubsub.iam.gserviceaccount.com`. */
  readonly pubsubServiceAgentMember: string;
}

/**
 * The identity Pub/Sub pushes a stage's messages as: it may invoke that one function's Cloud Run service and do
 * nothing else. Pub/Sub signs an OIDC token for it on every push; the function checks nothing itself because
 * Cloud Run refuses requests without a valid token from an invoker.
 */
export class PushInvoker extends Construct {
  readonly account: ServiceAccount;
  readonly email: string;
  /** The `roles/run.invoker` grant on the function's service. */
  readonly invokerGrant: CloudRunV2ServiceIamMember;

  constructor(scope: Construct, id: string, config: PushInvokerConfig) {
    super(scope, id);
    const { stage } = config;
    this.account = new ServiceAccount(this, 'account', {
      accountId: serviceAccountId(stage.functionName, 'push'),
      displayName: `${stage.functionName} push`,
      description: `Pub/Sub pushes to the ${stage.key} stage as this account; it may only invoke that function.`,
    });
    this.email = this.account.email;
    this.invokerGrant = new CloudRunV2ServiceIamMember(this, 'invoker', {
      project: config.project,
      location: config.region,
      name: config.serviceName,
      role: ROLES.runInvoker,
      member: this.account.member,
    });
    // Pub/Sub's service agent mints the push tokens. Projects made before 2021-04-08 need this grant explicitly;
    // on newer ones it is harmless. It is scoped to this one account, not the project.
    new ServiceAccountIamMember(this, 'token-creator', {
      serviceAccountId: this.account.name,
      role: ROLES.tokenCreator,
      member: config.pubsubServiceAgentMember,
    });
  }
}
