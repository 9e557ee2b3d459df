import { z } from 'zod';

/**
 * Longest text accepted, in characters. Longer documents should be split by the publisher: model time grows
 * with length and a push request must finish within the ack deadline.
 */
export const MAX_TEXT_LENGTH = 100_000;

/**
 * What publishers send to the ingress topic: JSON `{"text": "...", "id"?: "...", "metadata"?: {...}}`.
 * Strict: an unknown field is reported by name rather than silently dropped.
 */
export const textRequestSchema = z
  .object({
    text: z
      .string({ error: 'expected "text" to be a string' })
      .max(MAX_TEXT_LENGTH, `expected at most ${MAX_TEXT_LENGTH} characters of text`)
      .refine((text) => text.trim().length > 0, 'text is blank; expected at least one non-space character'),
    id: z.string().max(256, 'expected id of at most 256 characters').optional(),
    metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict();

/** An inference request. */
export type TextRequest = z.infer<typeof textRequestSchema>;

/** How `textRequestSchema` is described in error messages. */
export const TEXT_REQUEST_EXPECTS = 'JSON {"text": string, "id"?: string, "metadata"?: object}';
