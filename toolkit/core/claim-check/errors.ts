import { PermanentError, RetryableError } from '../runtime/errors';

/**
 * A claim-check reference that can never resolve: malformed, of a scheme or location this store does not
 * serve, or pointing at nothing. Permanent: the message is dead-lettered with this reason.
 */
export class InvalidClaimCheckError extends PermanentError {}

/** The reference is well formed but nothing is stored there (never written, or deleted by the lifecycle rule). */
export class ClaimCheckNotFoundError extends PermanentError {}

/** What is stored does not match the content hash in its name, or is larger than a stage may load. */
export class ClaimCheckContentError extends PermanentError {}

/** The store could not be reached or answered with a transient error; Pub/Sub retries the message. */
export class ClaimCheckUnavailableError extends RetryableError {}
