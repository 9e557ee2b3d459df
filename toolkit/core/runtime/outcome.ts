import { PipelineError, RetryableError } from './errors';

/** What happened to a delivered message, as logged and as answered to Pub/Sub. */
export const OUTCOMES = ['published', 'duplicate', 'filtered', 'dead-lettered', 'retry'] as const;
/** One of `OUTCOMES`. */
export type Outcome = (typeof OUTCOMES)[number];

/** HTTP status for each outcome. 204, not 202: the emulator does not treat 202 as an ack (production does). */
export const STATUS_FOR_OUTCOME: Readonly<Record<Outcome, number>> = {
  published: 204,
  duplicate: 204,
  filtered: 204,
  'dead-lettered': 204,
  retry: 500,
};

/**
 * The one place errors map to delivery semantics: a `PipelineError` keeps its own class's verdict; anything
 * else is unexpected and therefore retried (Pub/Sub dead-letters it after `maxDeliveryAttempts`).
 */
export function classifyError(error: unknown): PipelineError {
  if (error instanceof PipelineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UnexpectedError(`unexpected error: ${message}`, { cause: error });
}

/** Whether the message should be dead-lettered by the runtime (true) or redelivered by Pub/Sub (false). */
export function isPermanent(error: PipelineError): boolean {
  return !error.retryable;
}

/** An exception the code did not anticipate: retried, because it may be transient. */
export class UnexpectedError extends RetryableError {
  override readonly code = 'UNEXPECTED';
}
