/**
 * Each model's raw throughput in process: no HTTP, no Pub/Sub, no runtime; just the model called in a loop on
 * sample inputs, in batches where the model takes batches, with each backend and thread count worth trying. This
 * is the ceiling a stage can approach. Every configuration runs in a child process of its own (a tfjs backend is
 * fixed once initialised, and peak memory is per process); run as `node --import tsx bench/raw-models.ts <model>
 * <variant-json>`, the child prints one JSON line with its runs.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { rawModelSchema, rawRunSchema, type RawModelReport, type RawRun } from './report';
import { englishText, OTHER_TEXTS } from './samples';

/** A configuration of a model that needs a process of its own. */
export const processVariantSchema = z.object({
  /** tfjs: `default` (flags untouched, as the stage runs), `wasm-simd` (SIMD build, no threads) or `wasm` (plain build). */
  backend: z.string().optional(),
  /** tfjs wasm threads (the threaded-SIMD build); onnxruntime intra-op threads to try. */
  threads: z.array(z.number().int().positive()).default([1]),
  batchSizes: z.array(z.number().int().positive()).default([1]),
  durationMillis: z.number().int().positive(),
  maxMessages: z.number().int().positive(),
});
/** A per-process configuration. */
export type ProcessVariant = z.infer<typeof processVariantSchema>;

/** A model of the pipeline and the stages that run it. */
export interface ModelBench {
  readonly model: string;
  readonly stages: readonly string[];
  /**
   * Stages this model is a second, wider reference for: the model together with the input decoding the stage must
   * do (image files in), where `stages`' figure starts from ready tensors.
   */
  readonly decodingReferenceFor?: readonly string[];
  /** One entry per process to start. */
  readonly variants: (quick: boolean) => Omit<ProcessVariant, 'durationMillis' | 'maxMessages'>[];
}

/** The models the stages run. Stages not listed here are reported without a raw figure. */
export const MODEL_BENCHES: readonly ModelBench[] = [
  { model: 'cld3', stages: ['language', 'ocrLanguage'], variants: () => [{ batchSizes: [1], threads: [1] }] },
  { model: 'wink-nlp', stages: ['nlp'], variants: () => [{ batchSizes: [1], threads: [1] }] },
  {
    model: 'use-lite',
    stages: ['classify'],
    variants: (quick) => [
      { backend: 'default', threads: [1], batchSizes: quick ? [1, 16, 32] : [1, 8, 16, 32, 64] },
      { backend: 'wasm-simd', threads: [1], batchSizes: quick ? [1, 32] : [1, 16, 32] },
      { backend: 'wasm', threads: [1], batchSizes: quick ? [1, 32] : [1, 16, 32] },
      { backend: 'wasm-simd', threads: [2], batchSizes: quick ? [32] : [16, 32, 64] },
    ],
  },
  { model: 'onnx-direction-cls', stages: ['onnx'], variants: (quick) => [{ threads: [1, 2], batchSizes: quick ? [1, 4, 16] : [1, 4, 8, 16, 32] }] },
  // The same model fed from the sample image files: sharp's header read, decode and resize (the stage's own
  // image-tensor code, the images of a batch decoded at once on libuv's pool), then the session.
  {
    model: 'onnx-direction-cls from files',
    stages: [],
    decodingReferenceFor: ['onnx'],
    variants: (quick) => [{ threads: [1, 2], batchSizes: quick ? [4, 16] : [1, 4, 16] }],
  },
  // tesseract.js runs jobs one at a time in its worker thread; a "batch" here is that many jobs queued at once,
  // which keeps the worker busy while the main thread hands over the next image.
  { model: 'tesseract', stages: ['ocr'], variants: () => [{ batchSizes: [1, 4], threads: [1] }] },
];

// ---------------------------------------------------------------------------------------------------------------
// Child side: load one model in one configuration and time it.

/** Runs a batch of `size` items, the `offset`-th onwards; what the timing loop calls. */
type BatchRunner = (offset: number, size: number) => Promise<void> | void;

const requireHere = createRequire(__filename);

/** Sample texts for the text models: mostly English tickets, a quarter other languages (as the language stage sees). */
function text(i: number): string {
  return i % 4 === 3 ? `${OTHER_TEXTS[i % OTHER_TEXTS.length]} (${i})` : englishText(i);
}

async function loadRunner(model: string, variant: ProcessVariant, threads: number): Promise<BatchRunner> {
  switch (model) {
    case 'cld3': {
      const { loadLanguageIdentifier } = await import('../functions/models/language-identifier');
      const identifier = await loadLanguageIdentifier();
      return (offset, size) => {
        for (let i = 0; i < size; i += 1) identifier.identify(text(offset + i));
      };
    }
    case 'wink-nlp': {
      const { loadEnglishNlp } = await import('../functions/models/english-nlp');
      const nlp = await loadEnglishNlp();
      return (offset, size) => {
        for (let i = 0; i < size; i += 1) nlp.analyze(englishText(offset + i));
      };
    }
    case 'use-lite': {
      // The backend's flags must be set before tfjs initialises it, which the encoder's first load does.
      const tf = requireHere('@energetic-ai/core') as { env(): { set(flag: string, value: boolean): void }; setThreadsCount(n: number): void; getBackend(): string };
      if (variant.backend !== 'default') {
        tf.env().set('WASM_HAS_SIMD_SUPPORT', variant.backend !== 'wasm');
        if (threads > 1) tf.setThreadsCount(threads);
        else tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      }
      const { loadSentenceEncoder } = await import('../functions/models/sentence-encoder');
      const encoder = await loadSentenceEncoder();
      return async (offset, size) => {
        await encoder.embed(Array.from({ length: size }, (_, i) => englishText(offset + i)));
      };
    }
    case 'onnx-direction-cls': {
      const ort = requireHere('onnxruntime-node') as typeof import('onnxruntime-node');
      // The onnx stage's default model, the file its configuration points at.
      const { defaultOnnxModelConfig } = await import('../functions/stages/onnx/config');
      const path = defaultOnnxModelConfig().uri as string;
      const session = await ort.InferenceSession.create(path, { graphOptimizationLevel: 'all', intraOpNumThreads: threads });
      const [input] = session.inputNames;
      const pixels = 3 * 48 * 192;
      const data = Float32Array.from({ length: 64 * pixels }, (_, i) => Math.sin(i) * 0.5);
      return async (_offset, size) => {
        await session.run({ [input as string]: new ort.Tensor('float32', data.subarray(0, size * pixels), [size, 3, 48, 192]) });
      };
    }
    case 'onnx-direction-cls from files': {
      const ort = requireHere('onnxruntime-node') as typeof import('onnxruntime-node');
      const { defaultOnnxModelConfig } = await import('../functions/stages/onnx/config');
      const { onnxModelConfigSchema } = await import('../functions/models/onnx-model');
      const { inspectImage } = await import('../functions/models/image-decoder');
      const { imageToTensor } = await import('../functions/models/image-tensor');
      const { IMAGE_DEFAULTS } = await import('../functions/stages/image-defaults');
      const { imageSampleFiles } = await import('./samples');
      const config = onnxModelConfigSchema.parse(defaultOnnxModelConfig());
      const limits = { maxPixels: IMAGE_DEFAULTS.maxPixels };
      const session = await ort.InferenceSession.create(config.uri, { graphOptimizationLevel: 'all', intraOpNumThreads: threads });
      const images = imageSampleFiles();
      const pixels = config.input.dims[0] * config.input.dims[1] * config.input.dims[2];
      const decode = async (bytes: Buffer) => imageToTensor(bytes, await inspectImage(bytes, limits), config, limits);
      return async (offset, size) => {
        const tensors = await Promise.all(Array.from({ length: size }, (_, i) => decode(images[(offset + i) % images.length] as Buffer)));
        const batch = new Float32Array(size * pixels);
        tensors.forEach((tensor, i) => batch.set(tensor, i * pixels));
        await session.run({ [config.input.name]: new ort.Tensor('float32', batch, [size, ...config.input.dims]) });
      };
    }
    case 'tesseract': {
      // Loaded with require: tesseract.js and its data package are CommonJS without static export markers, so a
      // dynamic import() under tsx yields only `default` (and a missing langPath makes tesseract.js download).
      const { createWorker, OEM } = requireHere('tesseract.js') as typeof import('tesseract.js');
      const eng = requireHere('@tesseract.js-data/eng') as { langPath: string; gzip: boolean; code: string };
      const worker = await createWorker(eng.code, OEM.LSTM_ONLY, { langPath: eng.langPath, gzip: eng.gzip, cacheMethod: 'none' });
      // The files the ocr stage's samples carry, as they are: Tesseract decodes them itself.
      const { imageSampleFiles } = await import('./samples');
      const images = imageSampleFiles();
      return async (offset, size) => {
        await Promise.all(Array.from({ length: size }, (_, i) => worker.recognize(images[(offset + i) % images.length] as Buffer)));
      };
    }
    default:
      throw new Error(`unknown model "${model}"; expected one of ${MODEL_BENCHES.map((m) => m.model).join(', ')}`);
  }
}

/** Times `run` for the variant's duration (or message cap), after a short warm-up, with this process's CPU. */
async function timeRunner(run: BatchRunner, batchSize: number, variant: ProcessVariant): Promise<{ perSec: number; cpuMsPerMsg: number; messages: number }> {
  // Warm-up, at least 3 batches and a fifth of the measured time: the first calls grow the wasm heap, compile
  // kernels and fill caches, and a slow model would otherwise be timed on its cold calls.
  const warmUntil = performance.now() + variant.durationMillis / 5;
  for (let i = 0; i < 3 || performance.now() < warmUntil; i += 1) await run(i * batchSize, batchSize);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let messages = 0;
  // Bounded by time and by count, whichever comes first.
  while (performance.now() - started < variant.durationMillis && messages < variant.maxMessages) {
    await run(messages, batchSize);
    messages += batchSize;
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSec: Math.round((messages / seconds) * 10) / 10, cpuMsPerMsg: Math.round(((used.user + used.system) / 1000 / messages) * 1000) / 1000, messages };
}

async function childMain(model: string, variantJson: string): Promise<void> {
  const variant = processVariantSchema.parse(JSON.parse(variantJson));
  const runs: RawRun[] = [];
  let loadMs: number | undefined;
  for (const threads of variant.threads) {
    const loadStarted = performance.now();
    let run: BatchRunner;
    try {
      run = await loadRunner(model, variant, threads);
    } catch (error) {
      for (const batchSize of variant.batchSizes) runs.push({ variant: describe(variant, threads, batchSize), batchSize, backend: variant.backend, threads, perSec: 0, cpuMsPerMsg: 0, messages: 0, error: String(error) });
      continue;
    }
    loadMs ??= Math.round(performance.now() - loadStarted);
    for (const batchSize of variant.batchSizes) {
      try {
        const timed = await timeRunner(run, batchSize, variant);
        runs.push({ variant: describe(variant, threads, batchSize), batchSize, backend: variant.backend, threads, ...timed });
      } catch (error) {
        runs.push({ variant: describe(variant, threads, batchSize), batchSize, backend: variant.backend, threads, perSec: 0, cpuMsPerMsg: 0, messages: 0, error: String(error) });
      }
    }
  }
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ runs, loadMs, peakRssMb })}\n`);
  // tesseract's worker thread and tfjs keep the event loop alive.
  process.exit(0);
}

function describe(variant: ProcessVariant, threads: number, batchSize: number): string {
  return [variant.backend, `batch ${batchSize}`, `${threads} thread${threads > 1 ? 's' : ''}`].filter(Boolean).join(', ');
}

// ---------------------------------------------------------------------------------------------------------------
// Parent side: start a child per configuration and keep the best.

const childOutputSchema = z.object({ runs: z.array(rawRunSchema), loadMs: z.number().optional(), peakRssMb: z.number().optional() });

/** Runs one child and parses its report; a crash or a timeout becomes an error run. */
function runChild(model: string, variant: ProcessVariant, timeoutMillis: number): Promise<z.infer<typeof childOutputSchema>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, model, JSON.stringify(variant)], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-2000)));
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // Gone already.
      }
    }, timeoutMillis);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      const parsed = childOutputSchema.safeParse((() => {
        try {
          return JSON.parse(line);
        } catch {
          return undefined;
        }
      })());
      if (parsed.success) resolve(parsed.data);
      else {
        const reason = signal ? `killed by ${signal} (time limit ${timeoutMillis} ms)` : `exited with ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`;
        resolve({ runs: variant.batchSizes.flatMap((batchSize) => variant.threads.map((threads) => ({ variant: describe(variant, threads, batchSize), batchSize, backend: variant.backend, threads, perSec: 0, cpuMsPerMsg: 0, messages: 0, error: reason }))) });
      }
    });
  });
}

/** Options of `benchRawModels`. */
export interface RawBenchOptions {
  readonly quick: boolean;
  /** Only these models (all when absent). */
  readonly models?: readonly string[];
  readonly log?: (line: string) => void;
}

/** Measures every model in every configuration, one child process at a time (so they do not share the cores). */
export async function benchRawModels(options: RawBenchOptions): Promise<RawModelReport[]> {
  const reports: RawModelReport[] = [];
  const durationMillis = options.quick ? 2_500 : 6_000;
  for (const bench of MODEL_BENCHES.filter((m) => !options.models || options.models.includes(m.model))) {
    const runs: RawRun[] = [];
    let loadMs: number | undefined;
    let peakRssMb = 0;
    for (const partial of bench.variants(options.quick)) {
      const variant = processVariantSchema.parse({ ...partial, durationMillis, maxMessages: options.quick ? 20_000 : 200_000 });
      // Each batch size and thread count runs for the duration, plus loading and warm-up.
      const budget = 60_000 + variant.batchSizes.length * variant.threads.length * (durationMillis + 10_000);
      const output = await runChild(bench.model, variant, budget);
      runs.push(...output.runs);
      loadMs ??= output.loadMs;
      peakRssMb = Math.max(peakRssMb, output.peakRssMb ?? 0);
    }
    const best = [...runs].filter((r) => !r.error).sort((a, b) => b.perSec - a.perSec)[0];
    const report = rawModelSchema.parse({ model: bench.model, stages: [...bench.stages], loadMs, peakRssMb, runs, best });
    options.log?.(`raw ${bench.model}: ${best ? `best ${best.perSec}/s (${best.variant}), ${best.cpuMsPerMsg} ms CPU/msg` : 'no successful run'}${runs.some((r) => r.error) ? `; errors: ${[...new Set(runs.map((r) => r.error).filter(Boolean))].join(' | ')}` : ''}`);
    reports.push(report);
  }
  return reports;
}

if (require.main === module) {
  const [model, variantJson] = process.argv.slice(2);
  if (!model || !variantJson) {
    process.stderr.write('usage: raw-models.ts <model> <variant-json>\n');
    process.exit(2);
  }
  childMain(model, variantJson).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
