import { definePipeline } from './types';

/**
 * The default pipeline: the one place that names its topics, stages, routes and subscriptions.
 *
 * ```
 * publisher ─▶ ai-workloads-topic ─▶ [language] ─┬─ lang = en ─▶ ai-english-text ─▶ [nlp] ─▶ ai-results
 *                                                └─ otherwise ────────────────────────────▶ ai-results
 * every stage ── can never succeed / retries exhausted ──▶ ai-dead-letters
 * ```
 *
 * Both the CDKTF stack (`cdktf/`) and the local runner (`functions/local/`) are generated from
 * `compileTopology(pipeline, ...)`; neither holds a name of its own.
 */
export const pipeline = definePipeline({
  name: 'ai-inference',
  labels: { app: 'ai-inference' },
  ingress: 'requests',
  deadLetter: 'deadLetters',
  deadLetterSubscription: 'deadLetters',
  topics: {
    requests: {
      name: 'ai-workloads-topic',
      description: 'Inference requests: JSON {"text": "..."} published by clients.',
    },
    english: {
      name: 'ai-english-text',
      description: 'Requests identified as English, carrying the language attributes.',
    },
    results: {
      name: 'ai-results',
      description: 'Final results of every request, with routing attributes (lang, sentiment, ...).',
      terminal: true,
    },
    deadLetters: {
      name: 'ai-dead-letters',
      description: 'Messages that can never succeed or ran out of retries, with the reason.',
      terminal: true,
      messageRetentionDuration: '2678400s',
    },
  },
  stages: {
    language: {
      description: "Identifies the text's language with Google's CLD3.",
      entryPoint: 'language',
      consumes: 'requests',
      routes: [{ to: 'english', when: 'attributes.lang = "en"' }, { to: 'results' }],
      timeoutSeconds: 30,
      availableMemory: '512Mi',
    },
    nlp: {
      description: 'English sentiment, entities, sentence and token counts with wink-nlp.',
      entryPoint: 'nlp',
      consumes: 'english',
      filter: 'attributes.lang = "en"',
      routes: [{ to: 'results' }],
      timeoutSeconds: 30,
      availableMemory: '512Mi',
    },
  },
  subscriptions: {
    results: {
      name: 'ai-results-all',
      description: 'Every result.',
      topic: 'results',
    },
    negative: {
      name: 'ai-results-negative',
      description: 'Results with negative sentiment.',
      topic: 'results',
      filter: 'attributes.sentiment = "negative"',
    },
    nonEnglish: {
      name: 'ai-results-non-english',
      description: 'Results of texts that are not English (they skip the nlp stage).',
      topic: 'results',
      filter: 'attributes:lang AND NOT attributes.lang = "en"',
    },
    deadLetters: {
      name: 'ai-dead-letters-sub',
      description: 'Dead letters, kept until listed, replayed or purged.',
      topic: 'deadLetters',
      // The longest a subscription may keep messages; the topic keeps them 31 days for seek.
      messageRetentionDuration: '604800s',
      ackDeadlineSeconds: 60,
    },
  },
});

/** Keys of the default pipeline's stages. */
export type StageKey = keyof typeof pipeline.stages;
/** Keys of the default pipeline's topics. */
export type TopicKey = keyof typeof pipeline.topics;
/** Keys of the default pipeline's pull subscriptions. */
export type SubscriptionKey = keyof typeof pipeline.subscriptions;
