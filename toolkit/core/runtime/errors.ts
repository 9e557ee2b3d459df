/**
 * The pipeline's one error hierarchy. Its mapping to delivery semantics lives in exactly one place,
 * `outcomeForError` in `outcome.ts`:
 *   - `PermanentError` (and subclasses): the message can never succeed → dead-letter topic with its reason, then ack.
 *   - `RetryableError` (and anything unexpected): non-2xx answer → Pub/Sub redelivers with backoff and, after
 *     `maxDeliveryAttempts`, dead-letters it itself.
 */

/** Machine-readable reason codes; they appear as the `dlqReason` attribute of dead letters. */
export const ERROR_CODES = [
  'INVALID_PUSH_BODY',
  'EMPTY_DATA',
  'INVALID_ENCODING',
  'INVALID_JSON',
  'INVALID_INPUT',
  'UNSUPPORTED_CONTENT',
  'LIMIT_EXCEEDED',
  'NO_ROUTE',
  'INVALID_OUTPUT',
  'PERMANENT_FAILURE',
  'TRANSIENT_FAILURE',
  'PUBLISH_FAILED',
  'UNEXPECTED',
] as const;
/** One of `ERROR_CODES`. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Base of every error the pipeline raises on purpose. Keeps the `cause`. */
export abstract class PipelineError extends Error {
  abstract readonly code: ErrorCode;
  /** Whether Pub/Sub should redeliver the message. */
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The message can never be processed as it is; retrying would only burn attempts. */
export class PermanentError extends PipelineError {
  readonly code: ErrorCode = 'PERMANENT_FAILURE';
  readonly retryable = false;
}

/** A failure that may pass: a dependency is down, a quota was hit. Pub/Sub redelivers with backoff. */
export class RetryableError extends PipelineError {
  readonly code: ErrorCode = 'TRANSIENT_FAILURE';
  readonly retryable = true;
}

/** The HTTP request is not a Pub/Sub push or a Pub/Sub CloudEvent. */
export class InvalidPushBodyError extends PermanentError {
  override readonly code = 'INVALID_PUSH_BODY';
}

/** The message has no data. Never acknowledged silently: it is dead-lettered like other bad input. */
export class EmptyDataError extends PermanentError {
  override readonly code = 'EMPTY_DATA';
}

/** `data` is not valid base64, or not valid UTF-8 text where text was expected. */
export class InvalidEncodingError extends PermanentError {
  override readonly code = 'INVALID_ENCODING';
}

/** The payload is not JSON. */
export class InvalidJsonError extends PermanentError {
  override readonly code = 'INVALID_JSON';
}

/** The payload is JSON but does not match the stage's input schema. */
export class InvalidInputError extends PermanentError {
  override readonly code = 'INVALID_INPUT';
}

/** The content is well formed but no model here can handle it (an unknown content type, an unreadable image). */
export class UnsupportedContentError extends PermanentError {
  override readonly code = 'UNSUPPORTED_CONTENT';
}

/** Something would exceed a Pub/Sub limit (message size, attribute count or size, ordering key size). */
export class LimitExceededError extends PermanentError {
  override readonly code = 'LIMIT_EXCEEDED';
}

/** No route of the stage matched the result's attributes. */
export class NoRouteError extends PermanentError {
  override readonly code = 'NO_ROUTE';
}

/**
 * The handler produced a result that does not match the stage's output schema: a bug, not bad input. Permanent,
 * because retrying the same code gives the same result; the dead letter can be replayed once the bug is fixed.
 */
export class InvalidOutputError extends PermanentError {
  override readonly code = 'INVALID_OUTPUT';
}

/** Publishing to a topic failed; keeps the ids needed to find the message again. */
export class PublishError extends RetryableError {
  override readonly code = 'PUBLISH_FAILED';
  readonly topic: string;
  readonly stage: string;
  readonly messageId: string;

  constructor(details: { topic: string; stage: string; messageId: string; cause: unknown }) {
    const reason = details.cause instanceof Error ? details.cause.message : String(details.cause);
    super(`publishing message ${details.messageId} from stage ${details.stage} to topic ${details.topic} failed: ${reason}`, {
      cause: details.cause,
    });
    this.topic = details.topic;
    this.stage = details.stage;
    this.messageId = details.messageId;
  }
}
