import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { Construct } from 'constructs';

/** Configuration of a `PubsubServiceAgent`. */
export interface PubsubServiceAgentConfig {
  readonly project: string;
}

/**
 * The project's Pub/Sub service agent, `service-<project-number>@gcp-sa-pubsub.iam.gserviceaccount.com`: Google's
 * identity that dead-letters messages and signs push tokens. Its address needs the project number, read from a
 * `google_project` data source at plan time.
 */
export class PubsubServiceAgent extends Construct {
  readonly projectData: DataGoogleProject;
  readonly email: string;
  /** `serviceAccount:<email>`. */
  readonly member: string;

  constructor(scope: Construct, id: string, config: PubsubServiceAgentConfig) {
    super(scope, id);
    this.projectData = new DataGoogleProject(this, 'project', { projectId: config.project });
    this.email = `service-${this.projectData.number}@gcp-sa-pubsub.iam.gserviceaccount.com`;
    this.member = `serviceAccount:${this.email}`;
  }
}
