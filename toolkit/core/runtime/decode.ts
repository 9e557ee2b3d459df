import type { z } from 'zod';
import { EmptyDataError, InvalidEncodingError, InvalidInputError, InvalidJsonError } from './errors';
import { describeZodError } from './push-body';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a message payload as UTF-8 JSON and validates it with the stage's input schema. Each failure is a
 * permanent error whose message names what was wrong and what was expected.
 */
export function decodePayload<T>(data: Buffer, schema: z.ZodType<T>, expected: string): T {
  if (data.length === 0) {
    throw new EmptyDataError(`message data is empty; expected ${expected}`);
  }
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    throw new InvalidEncodingError(`message data is not valid UTF-8; expected ${expected}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidJsonError(`message data is not JSON (${(error as Error).message}); expected ${expected}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidInputError(`message data does not match the input schema: ${describeZodError(parsed.error)}; expected ${expected}`);
  }
  return parsed.data;
}
