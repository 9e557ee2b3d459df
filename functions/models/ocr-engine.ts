/**
 * Optical character recognition with Tesseract's LSTM engine, compiled to WebAssembly by tesseract.js.
 *
 * Nothing is fetched at run time: in Node, tesseract.js runs its worker script from its own package in a
 * worker thread and `require`s the wasm core from `tesseract.js-core` in node_modules (its CDN paths are for
 * browsers); the English model comes from `@tesseract.js-data/eng` through `langPath` (a local directory, read with
 * fs), and `cacheMethod: 'none'` stops it from writing a cached copy into the working directory. Loading takes
 * ~1 s (wasm compile and the 10 MB model).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** What Tesseract read. */
export interface OcrResult {
  /** The text, lines separated by `\n`, trimmed. */
  readonly text: string;
  /** Tesseract's mean word confidence, 0..1. */
  readonly confidence: number;
}

/**
 * Reads text from an image file; safe to share, jobs run one at a time. The ocr stage hands it an upright grey PNG
 * decoded by sharp (functions/models/image-decoder.ts), so Tesseract's own decoders never see the sender's bytes.
 */
export interface OcrEngine {
  recognize(image: Buffer): Promise<OcrResult>;
}

let loading: Promise<OcrEngine & { terminate(): Promise<void> }> | undefined;

/**
 * The process-wide engine: one Tesseract worker thread, loaded once. The worker runs one job at a time (the wasm
 * module is single-threaded), so concurrent requests queue inside tesseract.js; on one vCPU more workers would only
 * share the same core.
 */
export function loadOcrEngine(): Promise<OcrEngine> {
  loading ??= createEngine().catch((error: unknown) => {
    // A failed load is forgotten, so the next call tries again.
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Where `@tesseract.js-data/eng` keeps its model. */
const languageDataSchema = z.object({ code: z.literal('eng'), gzip: z.boolean(), langPath: z.string().min(1) });

/**
 * The English model's location, checked: tesseract.js falls back to downloading the model from a CDN whenever
 * `langPath` is undefined, which must never happen in a function (and hangs where there is no network). The package
 * is CommonJS; loaded through an ES module loader (tsx, as `npm start` does) its exports arrive under `default`.
 */
async function englishModel(): Promise<z.infer<typeof languageDataSchema>> {
  const loaded = (await import('@tesseract.js-data/eng')) as unknown as Record<string, unknown>;
  const candidate = typeof loaded['langPath'] === 'string' ? loaded : loaded['default'];
  const parsed = languageDataSchema.safeParse(candidate);
  if (!parsed.success) throw new Error('@tesseract.js-data/eng did not export {code: "eng", gzip, langPath}; refusing to let tesseract.js download a model');
  const model = join(parsed.data.langPath, `${parsed.data.code}.traineddata${parsed.data.gzip ? '.gz' : ''}`);
  if (!(await stat(model).catch(() => undefined))?.isFile()) throw new Error(`the English OCR model is missing: ${model}`);
  return parsed.data;
}

/**
 * Stops the worker thread of the process-wide engine, if one was started; the next `loadOcrEngine` starts a new
 * one. A function instance never needs this (the thread ends with the process); tests and scripts do, because a
 * live worker thread keeps Node running.
 */
export async function shutdownOcrEngine(): Promise<void> {
  const current = loading;
  loading = undefined;
  await (await current?.catch(() => undefined))?.terminate();
}

async function createEngine(): Promise<OcrEngine & { terminate(): Promise<void> }> {
  const [{ createWorker, OEM }, eng] = await Promise.all([import('tesseract.js'), englishModel()]);
  const worker = await createWorker(eng.code, OEM.LSTM_ONLY, {
    langPath: eng.langPath,
    gzip: eng.gzip,
    cacheMethod: 'none',
    // Without a handler tesseract.js rethrows a failed job's error from the worker's message event, where nobody
    // can catch it, and the process dies; the job's own promise is rejected either way.
    errorHandler: () => undefined,
  });
  return {
    async recognize(image: Buffer): Promise<OcrResult> {
      const { data } = await worker.recognize(image);
      return { text: data.text.trim(), confidence: Math.round(Math.max(0, Math.min(100, data.confidence)) * 10) / 1000 };
    },
    async terminate() {
      await worker.terminate();
    },
  };
}
