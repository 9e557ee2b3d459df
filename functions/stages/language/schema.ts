import { z } from 'zod';
import { textRequestSchema } from '../text-request';

/** The language stage's findings. */
export const languageSchema = z.object({
  /** CLD3 language code (`en`, `fr`, `zh`, ...), `und` when undetermined. */
  code: z.string(),
  /** CLD3 probability, 0..1. */
  confidence: z.number().min(0).max(1),
  reliable: z.boolean(),
  /** Share of the text in this language, 0..1. */
  proportion: z.number().min(0).max(1),
});

/** The language stage's output: the request plus `language`. */
export const languageOutputSchema = textRequestSchema.extend({ language: languageSchema });

/** Output of the language stage; input of the stages after it. */
export type LanguageOutput = z.infer<typeof languageOutputSchema>;
