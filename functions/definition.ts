import { definePipeline } from '../toolkit/core';

/**
 * The example pipeline: the one place that names its topics, stages, routes and subscriptions.
 *
 * ```
 *                       ┌─ text ──▶ [language] ────┬─ lang = en ─▶ ai-english-text ─▶ [nlp] ─▶ ai-english-analysed ─▶ [classify] ─▶ ai-results
 * publisher ─▶ ai-workloads-topic                  └─ otherwise ─────────────────────────────────────────────────────────────────▶ ai-results
 *                       └─ image ─▶ [onnx] ─▶ ai-oriented-images ─▶ [ocr] ─▶ ai-extracted-text ─▶ [ocrLanguage] ─┬─ lang = en ─▶ ai-english-text
 *                                                                                                                 └─ otherwise ─▶ ai-results
 * every stage ── can never succeed / retries exhausted ──▶ ai-dead-letters
 * ```
 *
 * Images (attribute `contentType` = `image` or `image/…`) and texts share the ingress topic; the two stages that
 * consume it take complementary filters. The text read from an image must then be identified like any text, but a
 * stage consumes one topic and topics must not form a cycle (ingress → ocr → ingress would), so `ocrLanguage` is a
 * second deployment of the language stage, on the extracted-text topic; from `ai-english-text` on, text from
 * images and text from publishers take the same path.
 *
 * Each stage names its module in `source` (relative to this folder) and declares the attributes it `sets`; the
 * handler is typed from that. Both the CDKTF stack and the local runner are generated from this definition's
 * compiled topology (`pipeline.ts` makes the pipeline); neither holds a name of its own.
 */
/** What the language stage sets (it is deployed twice: on requests, and on text read from images). */
const LANGUAGE_ATTRIBUTES = {
  lang: 'CLD3 language code of the text, e.g. `en`, `fr`, `und`.',
  langConfidence: 'CLD3 probability of `lang`, 0..1, as a decimal string.',
  langReliable: '`true` when CLD3 considers its guess reliable.',
} as const;

export const definition = definePipeline({
  name: 'ai-inference',
  labels: { app: 'ai-inference' },
  attributes: {
    contentType:
      'What the publisher sent: absent (or text/plain, application/json) for a text request, `image` or `image/<format>` for an image request, which routes it to the onnx → ocr path. Carried to the result.',
  },
  ingress: 'requests',
  deadLetter: 'deadLetters',
  deadLetterSubscription: 'deadLetters',
  resultsSubscription: 'results',
  topics: {
    requests: {
      name: 'ai-workloads-topic',
      description: 'Inference requests published by clients: JSON {"text": "..."}, or {"image": {...}} with the attribute contentType = image.',
    },
    orientedImages: {
      name: 'ai-oriented-images',
      description: 'Image requests with the orientation found by the onnx stage.',
    },
    extractedText: {
      name: 'ai-extracted-text',
      description: 'Text read from images by the ocr stage, as text requests.',
    },
    english: {
      name: 'ai-english-text',
      description: 'Requests identified as English, carrying the language attributes.',
    },
    englishAnalysed: {
      name: 'ai-english-analysed',
      description: 'English requests with sentiment and entities, on their way to topic classification.',
    },
    results: {
      name: 'ai-results',
      description: 'Final results of every request, with routing attributes (lang, sentiment, topic, ...).',
      terminal: true,
    },
    deadLetters: {
      name: 'ai-dead-letters',
      description: 'Messages that can never succeed or ran out of retries, with the reason.',
      terminal: true,
      messageRetentionDuration: '2678400s',
    },
  },
  // Every stage subscription delivers messages of one ordering key in order (as SQS FIFO queues do); messages
  // without a key are unaffected. Fixed at creation: changing it replaces the subscription (docs/ordering.md).
  stages: {
    language: {
      description: "Identifies the text's language with Google's CLD3.",
      entryPoint: 'language',
      source: './stages/language',
      sets: LANGUAGE_ATTRIBUTES,
      consumes: 'requests',
      filter: 'NOT hasPrefix(attributes.contentType, "image")',
      routes: [{ to: 'english', when: 'attributes.lang = "en"' }, { to: 'results' }],
      timeoutSeconds: 30,
      availableMemory: '512Mi',
    },
    onnx: {
      description: "Text-line orientation of images (PaddleOCR's direction classifier), with the generic ONNX stage.",
      entryPoint: 'onnx',
      source: './stages/onnx',
      sets: { onnxLabel: "Top label of the stage's model: with the default model, the text orientation `0` or `180`." },
      // The model takes a batch per call; concurrent images of one instance share it. Four is the cheapest batch
      // per image for this model on onnxruntime's CPU provider (measured: 0.96 ms per image at 4, 1.06 at 1,
      // 1.55 at 16); larger batches fall out of the cache.
      batching: { maxBatchSize: 4, maxWaitMillis: 5 },
      consumes: 'requests',
      filter: 'hasPrefix(attributes.contentType, "image")',
      routes: [{ to: 'orientedImages' }],
      timeoutSeconds: 60,
      // onnxruntime's native heap, a decoded image (4 bytes a pixel, up to 25 MP) and its copy in the batch tensor.
      availableMemory: '1Gi',
    },
    ocr: {
      description: 'Reads the text of images with Tesseract (tesseract.js), turned upright first when onnx says so.',
      entryPoint: 'ocr',
      source: './stages/ocr',
      consumes: 'orientedImages',
      routes: [{ to: 'extractedText' }],
      // A large scan takes Tesseract several seconds on one vCPU.
      timeoutSeconds: 120,
      // The wasm heap holds the English model and several copies of the raster; jobs queue one at a time.
      availableMemory: '1Gi',
    },
    ocrLanguage: {
      description: "Identifies the language of text read from images: the language stage's second deployment.",
      entryPoint: 'ocrLanguage',
      // The language stage's code, deployed a second time.
      source: './stages/language',
      sets: LANGUAGE_ATTRIBUTES,
      consumes: 'extractedText',
      routes: [{ to: 'english', when: 'attributes.lang = "en"' }, { to: 'results' }],
      timeoutSeconds: 30,
      availableMemory: '512Mi',
    },
    nlp: {
      description: 'English sentiment, entities, sentence and token counts with wink-nlp.',
      entryPoint: 'nlp',
      source: './stages/nlp',
      sets: { sentiment: 'Sentiment label: `positive`, `neutral` or `negative`.' },
      consumes: 'english',
      filter: 'attributes.lang = "en"',
      routes: [{ to: 'englishAnalysed' }],
      timeoutSeconds: 30,
      availableMemory: '512Mi',
    },
    classify: {
      description: 'Support-ticket topic (billing, bug, account, praise, other): Universal Sentence Encoder lite embeddings and few-shot kNN.',
      entryPoint: 'classify',
      source: './stages/classify',
      sets: {
        topic: 'Support-ticket topic from the few-shot classifier: `billing`, `bug`, `account`, `praise` or `other`.',
        topicScore: "The classifier's score for `topic`, 0..1, as a decimal string.",
      },
      // USE lite: ~30 texts/s one by one, ~130/s in batches of 32 on one core (measured); 16 covers two instances'
      // worth of pushes, and a few ms of waiting costs nothing next to a ~30 ms embedding.
      batching: { maxBatchSize: 16, maxWaitMillis: 5 },
      consumes: 'englishAnalysed',
      filter: 'attributes.lang = "en"',
      routes: [{ to: 'results' }],
      timeoutSeconds: 30,
      // tfjs' wasm heap and the 27 MB model's weights as tensors: ~250 MB resident measured, doubled for headroom.
      availableMemory: '1Gi',
    },
  },
  subscriptions: {
    results: {
      name: 'ai-results-all',
      description: 'Every result.',
      topic: 'results',
      // Consumers of every result see each ordering key's results in order.
      enableMessageOrdering: true,
    },
    negative: {
      name: 'ai-results-negative',
      description: 'Results with negative sentiment.',
      topic: 'results',
      filter: 'attributes.sentiment = "negative"',
    },
    bugs: {
      name: 'ai-results-bugs',
      description: 'Results whose support-ticket topic is a bug report.',
      topic: 'results',
      filter: 'attributes.topic = "bug"',
    },
    fromImages: {
      name: 'ai-results-from-images',
      description: 'Results of image requests (text read by OCR).',
      topic: 'results',
      filter: 'hasPrefix(attributes.contentType, "image")',
    },
    nonEnglish: {
      name: 'ai-results-non-english',
      description: 'Results of texts that are not English (they skip the nlp and classify stages).',
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
      // `dlq list` reads by pulling and hands every message back (modifyAckDeadline 0, a nack); a backoff would
      // hide listed dead letters from the next list or replay for up to 10 minutes. Measured on the emulator:
      // ~15 s with the default 10s..600s policy, ~2 s with 0s..0s.
      minimumBackoff: '0s',
      maximumBackoff: '0s',
    },
  },
});

/** Keys of the example pipeline's stages. */
export type StageKey = keyof typeof definition.stages;
