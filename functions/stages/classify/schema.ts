import { z } from 'zod';
import { nlpOutputSchema } from '../nlp/schema';

/** The classify stage's findings. */
export const topicSchema = z
  .object({
    /** The winning topic label. */
    label: z.string(),
    /** The label's share of the nearest examples' similarity-weighted votes, 0..1. */
    score: z.number().min(0).max(1),
    /** Every label's share, 0..1. */
    scores: z.record(z.string(), z.number().min(0).max(1)),
    /** Cosine similarity of the closest labelled example, -1..1; low means unlike anything the classifier knows. */
    nearestSimilarity: z.number().min(-1).max(1),
  })
  .strict();

/** The request option (a `metadata` key) that asks for the embedding in the result. */
export const INCLUDE_EMBEDDING_OPTION = 'includeEmbedding';

/** The classify stage's output: the nlp stage's output plus `topic`, and `embedding` when asked for. */
export const classifyOutputSchema = nlpOutputSchema.extend({
  topic: topicSchema,
  /** The text's Universal Sentence Encoder embedding, 512 numbers of unit length. */
  embedding: z.array(z.number()).length(512).optional(),
});

/** Output of the classify stage. */
export type ClassifyOutput = z.infer<typeof classifyOutputSchema>;
