import { z } from 'zod';
import { languageOutputSchema } from '../language/schema';

/** The nlp stage's findings. */
export const nlpSchema = z.object({
  sentiment: z.object({ score: z.number(), label: z.enum(['positive', 'neutral', 'negative']) }),
  /** Entity type (DATE, MONEY, EMAIL, URL, ...) → distinct values in order of appearance. */
  entities: z.record(z.string(), z.array(z.string())),
  sentenceCount: z.number().int().nonnegative(),
  tokenCount: z.number().int().nonnegative(),
});

/** The nlp stage's output: the language stage's output plus `nlp`. */
export const nlpOutputSchema = languageOutputSchema.extend({ nlp: nlpSchema });

/** Output of the nlp stage. */
export type NlpOutput = z.infer<typeof nlpOutputSchema>;
