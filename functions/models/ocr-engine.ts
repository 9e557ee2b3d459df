/**
 * Optical character recognition with Tesseract's LSTM engine, compiled to WebAssembly by tesseract.js.
 *
 * Nothing is fetched at run time: in Node, tesseract.js runs its worker script from its own package in a
 * worker thread and `require`s the wasm core from `tesseract.js-core` in node_modules (its CDN paths are for
 * browsers); the English model comes from `@tesseract.js-data/eng` through `langPath` (a local directory, read with
 * fs), and `cacheMethod: 'none'` stops it from writing a cached copy into the working directory. Loading takes
 * ~1 s (wasm compile and the 10 MB model).
 */
import { lazy } from '../runtime/lazy';

/** What Tesseract read. */
export interface OcrResult {
  /** The text, lines separated by `\n`, trimmed. */
  readonly text: string;
  /** Tesseract's mean word confidence, 0..1. */
  readonly confidence: number;
}

/** Options of one recognition. */
export interface RecognizeOptions {
  /** Rotate the image by this many degrees (clockwise) before reading; 0 when absent. */
  readonly rotateDegrees?: number;
}

/** Reads text from image files (PNG, JPEG, BMP, WebP, PNM bytes); safe to share, jobs run one at a time. */
export interface OcrEngine {
  recognize(image: Buffer, options?: RecognizeOptions): Promise<OcrResult>;
}

/**
 * The process-wide engine: one Tesseract worker thread, loaded once. The worker runs one job at a time (the wasm
 * module is single-threaded), so concurrent requests queue inside tesseract.js; on one vCPU more workers would only
 * share the same core.
 */
export const loadOcrEngine: () => Promise<OcrEngine> = lazy(async () => {
  const [{ createWorker, OEM }, eng] = await Promise.all([
    import('tesseract.js'),
    import('@tesseract.js-data/eng') as Promise<{ langPath: string; gzip: boolean; code: string }>,
  ]);
  const worker = await createWorker(eng.code, OEM.LSTM_ONLY, {
    langPath: eng.langPath,
    gzip: eng.gzip,
    cacheMethod: 'none',
    // Without a handler tesseract.js rethrows a failed job's error from the worker's message event, where nobody
    // can catch it, and the process dies; the job's own promise is rejected either way.
    errorHandler: () => undefined,
  });
  return {
    async recognize(image: Buffer, options: RecognizeOptions = {}): Promise<OcrResult> {
      const degrees = options.rotateDegrees ?? 0;
      const { data } = await worker.recognize(image, degrees ? { rotateRadians: (degrees * Math.PI) / 180 } : {});
      return { text: data.text.trim(), confidence: Math.round(Math.max(0, Math.min(100, data.confidence)) * 10) / 1000 };
    },
  };
});
