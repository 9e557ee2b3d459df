/** A dead-letter operation could not be carried out; the message names what was wrong and what was expected. */
export class DeadLetterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeadLetterError';
  }
}
