import 'cdktf/lib/testing/adapters/jest';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { Testing } from 'cdktf';
import { PushInvoker } from '../../../toolkit/infra/constructs/push-invoker';
import { only, parse, reference, resources } from '../support/synth';
import { aStage } from '../support/topology';

Testing.setupJest();

describe('PushInvoker', () => {
  const agent = 'serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com';
  const serviceName = 'projects/example-project/locations/europe-west1/services/fn';
  const synth = (): string =>
    Testing.synthScope(
      (scope) => new PushInvoker(scope, 'push', { stage: aStage(), project: 'example-project', region: 'europe-west1', serviceName, pubsubServiceAgentMember: agent }),
    );

  it("may invoke the one function's Cloud Run service and nothing else", () => {
    const synthesised = synth();
    expect(synthesised).toHaveResourceWithProperties(CloudRunV2ServiceIamMember, { name: serviceName, location: 'europe-west1', role: 'roles/run.invoker' });
    const json = parse(synthesised);
    const account = resources(json, 'google_service_account')[0];
    const grant = only(json, 'google_cloud_run_v2_service_iam_member');
    expect(reference(grant['member'])?.id).toBe(account?.id);
    expect(Object.keys(json.resource ?? {}).sort()).toEqual(['google_cloud_run_v2_service_iam_member', 'google_service_account', 'google_service_account_iam_member']);
  });

  it('lets the Pub/Sub service agent mint tokens for this account only', () => {
    const json = parse(synth());
    const tokenCreator = only(json, 'google_service_account_iam_member');
    expect(tokenCreator).toMatchObject({ role: 'roles/iam.serviceAccountTokenCreator', member: agent });
    expect(reference(tokenCreator['service_account_id'])?.type).toBe('google_service_account');
  });
});
