/** Predefined roles the stack grants, each on one resource only; never a primitive role, never project-wide. */
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
} as const;
