import { RetryableError } from '../runtime/errors';

/** The idempotency store could not be read or written. Retryable: the message is redelivered, never lost. */
export class IdempotencyStoreError extends RetryableError {
  readonly operation: 'claim' | 'complete' | 'release';
  readonly stage: string;
  readonly key: string;

  constructor(details: { operation: 'claim' | 'complete' | 'release'; stage: string; key: string; cause: unknown }) {
    const reason = details.cause instanceof Error ? details.cause.message : String(details.cause);
    super(`idempotency ${details.operation} of stage ${details.stage} for key ${details.key} failed: ${reason}`, { cause: details.cause });
    this.operation = details.operation;
    this.stage = details.stage;
    this.key = details.key;
  }
}
