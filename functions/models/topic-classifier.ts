/**
 * Few-shot topic classification of support tickets: k-nearest neighbours over Universal Sentence Encoder
 * embeddings of a handful of labelled examples per topic (`data/ticket-topics.json`).
 *
 * The same idea as `@energetic-ai/classifiers`, done here in plain TypeScript because that package does not fit a
 * batched, long-lived function: `initClassifier` loads a second copy of the 27 MB encoder (it bundles its own
 * `@energetic-ai/embeddings`), `classify` embeds internally so the embedding cannot be returned or batched
 * across requests, it leaks one tfjs tensor per classified text (`tensor1d(embedding)` is never disposed), and its
 * confidences are bare vote counts (0, 1/3, 2/3, 1). With unit vectors, cosine kNN is 60 multiply-adds of 512
 * floats: no tensors needed.
 */
import { z } from 'zod';
import { lazy } from '../../toolkit/core';
import examplesFile from './data/ticket-topics.json';
import { loadSentenceEncoder, type SentenceEncoder } from './sentence-encoder';

/** Labels become the `topic` attribute: short, lowercase, filter-friendly. */
const LABEL = /^[a-z][a-z0-9_-]{0,62}$/;

/** The labelled examples file: `{ "labels": { "<label>": ["example", ...] } }`. */
export const topicExamplesSchema = z.object({
  description: z.string().optional(),
  labels: z
    .record(z.string(), z.array(z.string().trim().min(1, 'expected non-blank example texts')).min(2, 'expected at least 2 examples per label'))
    .superRefine((labels, ctx) => {
      for (const label of Object.keys(labels)) {
        if (!LABEL.test(label)) {
          ctx.addIssue({ code: 'custom', path: [label], message: 'expected a topic label of lowercase letters, digits, _ and - (it becomes an attribute value)' });
        }
      }
      if (Object.keys(labels).length < 2) ctx.addIssue({ code: 'custom', message: 'expected at least 2 labels' });
    }),
});

/** Labelled examples, by label. */
export type TopicExamples = z.infer<typeof topicExamplesSchema>;

/** The classifier's verdict on one text. */
export interface TopicPrediction {
  /** The winning label. */
  readonly label: string;
  /** The winner's share of the neighbours' similarity-weighted votes, 0..1. */
  readonly score: number;
  /** Every label's share, 0..1, summing to 1. */
  readonly scores: Readonly<Record<string, number>>;
  /** Cosine similarity of the closest example, -1..1: low values mean the text is unlike every example. */
  readonly nearestSimilarity: number;
}

/** Classifies embeddings; synchronous and safe to share. */
export interface TopicClassifier {
  readonly labels: readonly string[];
  /** Predicts the topic of a unit-length embedding from the same encoder. */
  classify(embedding: Float32Array): TopicPrediction;
}

/** Options of `createTopicClassifier`. */
export interface TopicClassifierOptions {
  /** Neighbours that vote; default `DEFAULT_NEIGHBOURS`. */
  readonly neighbours?: number;
}

/**
 * Neighbours that vote. With ~12 examples a label, 5 outvotes a single misleading example; on the 30 held-out
 * tickets in test/fixtures/stages k = 1, 3, 5 and 7 were all 30/30, so the choice is about robustness, not fit.
 */
export const DEFAULT_NEIGHBOURS = 5;

/** Parses an examples file, naming the label and example that is wrong. */
export function parseTopicExamples(value: unknown): TopicExamples {
  const parsed = topicExamplesSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid topic examples at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unknown problem'}`);
  }
  return parsed.data;
}

/** Embeds the examples (in batches of 32) and returns a classifier over them. */
export async function createTopicClassifier(encoder: SentenceEncoder, examples: TopicExamples, options: TopicClassifierOptions = {}): Promise<TopicClassifier> {
  const k = options.neighbours ?? DEFAULT_NEIGHBOURS;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`neighbours must be a whole number ≥ 1, got ${k}`);
  const labelled = Object.entries(examples.labels).flatMap(([label, texts]) => texts.map((text) => ({ label, text })));
  const vectors: Float32Array[] = [];
  for (let i = 0; i < labelled.length; i += 32) vectors.push(...(await encoder.embed(labelled.slice(i, i + 32).map((e) => e.text))));
  const labels = Object.keys(examples.labels);
  return {
    labels,
    classify(embedding: Float32Array): TopicPrediction {
      const ranked = vectors
        .map((vector, i) => ({ label: (labelled[i] as { label: string }).label, similarity: dot(vector, embedding) }))
        .sort((a, b) => b.similarity - a.similarity);
      const votes: Record<string, number> = Object.fromEntries(labels.map((label) => [label, 0]));
      // Similarities can be negative; shift so every neighbour's vote is ≥ 0 and closer means heavier.
      for (const neighbour of ranked.slice(0, k)) votes[neighbour.label] = (votes[neighbour.label] ?? 0) + (neighbour.similarity + 1) / 2;
      const total = Object.values(votes).reduce((sum, v) => sum + v, 0) || 1;
      const scores = Object.fromEntries(labels.map((label) => [label, round((votes[label] ?? 0) / total)]));
      const label = labels.reduce((best, l) => ((votes[l] ?? 0) > (votes[best] ?? 0) ? l : best), labels[0] as string);
      return { label, score: scores[label] as number, scores, nearestSimilarity: round(ranked[0]?.similarity ?? 0) };
    },
  };
}

/** The process-wide classifier over the shipped examples, sharing the process-wide encoder. */
export const loadTopicClassifier: () => Promise<TopicClassifier> = lazy(async () =>
  createTopicClassifier(await loadSentenceEncoder(), parseTopicExamples(examplesFile)),
);

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
