import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Construct } from 'constructs';
import { ROLES } from '../roles';

/** Configuration of `TraceWriters`. */
export interface TraceWritersConfig {
  readonly project: string;
  /** The stage identities by stage key. */
  readonly members: Readonly<Record<string, string>>;
}

/**
 * Lets each stage identity write its spans to Cloud Trace (`roles/cloudtrace.agent`). On the project, because
 * Cloud Trace takes IAM there only; the role writes spans and reads nothing.
 */
export class TraceWriters extends Construct {
  readonly grants: Readonly<Record<string, ProjectIamMember>>;

  constructor(scope: Construct, id: string, config: TraceWritersConfig) {
    super(scope, id);
    this.grants = Object.fromEntries(
      Object.entries(config.members).map(([stage, member]) => [stage, new ProjectIamMember(this, `trace-${stage}`, { project: config.project, role: ROLES.cloudTraceAgent, member })]),
    );
  }
}
