/**
 * Every default of the infrastructure that the pipeline topology does not already decide, each with its reason.
 * Stage sizes, retention, retries and filters come from the compiled topology (functions/pipeline/defaults.ts).
 */
export const INFRA_DEFAULTS = {
  /** Environments `cdktf/main.ts` creates a stack for when PIPELINE_ENVIRONMENTS is not set. */
  environments: ['dev', 'prod'],
  /** A region where Cloud Functions 2nd gen, Cloud Run, Pub/Sub and Cloud Storage all exist. */
  region: 'us-central1',
  /** The Cloud Functions runtime: Node 20 is past its end of life there; the code is compiled for ES2022. */
  runtime: 'nodejs22',
  /**
   * Only requests from inside the project reach the functions; Pub/Sub push in the same project counts as internal
   * (Cloud Run ingress "internal"), so nothing on the internet can call a stage even with a token.
   */
  ingressSettings: 'ALLOW_INTERNAL_ONLY',
  /**
   * Source archives are only read while Cloud Build builds a function, so old ones can go. Terraform deletes the
   * previous archive itself when the hash changes; this rule sweeps anything uploaded by hand. If it removes the
   * current archive, the next apply uploads it again under the same name and no function is redeployed.
   */
  sourceArchiveMaxAgeDays: 30,
  /** Where the zip goes inside the source bucket; the content hash follows, so a change redeploys. */
  sourceObjectPrefix: 'function-source/',
  /** Prefix of the Terraform state objects in the state bucket, followed by `<pipeline>/<environment>`. */
  statePrefix: 'terraform',
} as const;
