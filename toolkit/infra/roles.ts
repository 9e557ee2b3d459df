/**
 * Predefined roles the stack grants, each on one resource only; never a primitive role, never project-wide (the
 * Firestore grant is on the project, conditioned to one database: see `datastoreUser`).
 */
export const ROLES = {
  /** On a topic: publish to it. */
  publisher: 'roles/pubsub.publisher',
  /** On a subscription: lets the Pub/Sub service agent acknowledge what it dead-letters. */
  subscriber: 'roles/pubsub.subscriber',
  /** On one Cloud Run service: invoke it (the push identity). */
  runInvoker: 'roles/run.invoker',
  /** On the push service account: lets the Pub/Sub service agent mint its OIDC tokens. */
  tokenCreator: 'roles/iam.serviceAccountTokenCreator',
  /** On the CMEK key: lets Pub/Sub and Cloud Storage encrypt with it. */
  cryptoKeyEncrypterDecrypter: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
  /**
   * Read and write documents of a Firestore database (the stages' idempotency records). The one exception to "on
   * one resource": Firestore takes IAM on the project only, so the grant is on the project with an IAM condition
   * that limits it to the pipeline's own database (cdktf/constructs/idempotency-database.ts).
   */
  datastoreUser: 'roles/datastore.user',
  /**
   * Write spans to Cloud Trace (the stages' traces, docs/observability.md). Also on the project: traces have no
   * narrower resource to grant on; the role can only write spans, not read them.
   */
  cloudTraceAgent: 'roles/cloudtrace.agent',
} as const;
