import 'cdktf/lib/testing/adapters/jest';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { TerraformOutput, Testing } from 'cdktf';
import { PubsubServiceAgent } from '../../../toolkit/infra/constructs/pubsub-service-agent';
import { parse } from '../support/synth';

Testing.setupJest();

describe('PubsubServiceAgent', () => {
  it('reads the project number and names the service agent from it', () => {
    const synthesised = Testing.synthScope((scope) => {
      const agent = new PubsubServiceAgent(scope, 'agent', { project: 'example-project' });
      // An output renders the member's token as it will appear wherever the member is granted a role.
      new TerraformOutput(scope, 'member', { value: agent.member });
    });
    expect(synthesised).toHaveDataSourceWithProperties(DataGoogleProject, { project_id: 'example-project' });
    expect(parse(synthesised).output?.['member']?.value).toMatch(
      /^serviceAccount:service-\$\{data\.google_project\.[A-Za-z0-9_-]+\.number\}@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/,
    );
  });
});
