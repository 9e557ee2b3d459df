/**
 * A generic ONNX image classifier run by onnxruntime-node (CPU, in a worker thread of its own: see
 * onnx-session-thread.ts): which model, its input and output tensors, and how
 * images become the input tensor and the output becomes labels are all configuration (`onnxModelConfigSchema`).
 * The shipped default is PaddleOCR's text-line direction classifier; any model with an image input
 * `[N, C, H, W]` (or `[N, H, W, C]`) and a per-item score output `[N, labels]` fits.
 *
 * onnxruntime-node ships its CPU binaries for Linux, macOS and Windows inside the npm package. Its install script
 * only fetches the optional CUDA/TensorRT providers on linux/x64, from a NuGet feed; where there is no such network
 * access (here, or a locked-down build) the install must skip it: `ONNXRUNTIME_NODE_INSTALL_CUDA=skip` (see
 * docs/stages.md).
 */
import { z } from 'zod';
import type { BatchItemResult } from '../../toolkit/core';
import { resolveModelFile, type ModelFileOptions } from './model-file';
import { startSessionThread } from './onnx-session-thread';
import type { TensorItem } from './image-tensor';

/** Configuration of a generic ONNX image model. */
export const onnxModelConfigSchema = z
  .object({
    /** A short name for logs and results, e.g. `ppocr-direction-cls`. */
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected a short name of letters, digits, ".", "_" and "-"'),
    /** `gs://bucket/object`, `file:///path` or a local path. */
    uri: z.string().min(1, 'expected the model URI (gs://..., file://... or a path)'),
    input: z
      .object({
        name: z.string().min(1),
        /** Per-item shape, without the batch dimension: `[C, H, W]` for NCHW, `[H, W, C]` for NHWC. */
        dims: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
        layout: z.enum(['NCHW', 'NHWC']).default('NCHW'),
        /** `float32` gets the normalisation below; `uint8` gets raw 0..255 pixel values. */
        dtype: z.enum(['float32', 'uint8']).default('float32'),
      })
      .strict(),
    preprocess: z
      .object({
        /**
         * `stretch`: resize to W×H, ignoring the aspect ratio. `fitHeight`: scale to height H keeping the aspect
         * ratio, then crop to W or pad the right with `padValue` (PaddleOCR's text-line preprocessing).
         */
        resize: z.enum(['stretch', 'fitHeight']).default('stretch'),
        /** Channel order of a 3-channel input; a 1-channel input gets the luminance. */
        channelOrder: z.enum(['rgb', 'bgr']).default('rgb'),
        /** value = (pixel × scale − mean[c]) / std[c], pixel in 0..255; one value applies to every channel. */
        scale: z.number().positive().default(1 / 255),
        mean: z.array(z.number()).min(1).default([0]),
        std: z.array(z.number().refine((v) => v !== 0, 'std must not be 0')).min(1).default([1]),
        /** Value of padded tensor elements (already normalised). */
        padValue: z.number().default(0),
      })
      .strict()
      .default({ resize: 'stretch', channelOrder: 'rgb', scale: 1 / 255, mean: [0], std: [1], padValue: 0 }),
    output: z
      .object({
        name: z.string().min(1),
        /** Applied to each item's scores: `none` when the model already outputs probabilities. */
        activation: z.enum(['none', 'softmax', 'sigmoid']).default('none'),
        /** One label per score, in the model's order. */
        labels: z.array(z.string().min(1)).min(1),
      })
      .strict(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const channels = config.input.layout === 'NCHW' ? config.input.dims[0] : config.input.dims[2];
    if (channels !== 1 && channels !== 3) ctx.addIssue({ code: 'custom', path: ['input', 'dims'], message: `expected 1 or 3 channels, got ${channels}` });
    for (const key of ['mean', 'std'] as const) {
      const values = config.preprocess[key];
      if (values.length !== 1 && values.length !== channels) {
        ctx.addIssue({ code: 'custom', path: ['preprocess', key], message: `expected 1 or ${channels} values (one per channel), got ${values.length}` });
      }
    }
  });

/** A validated model configuration. */
export type OnnxModelConfig = z.infer<typeof onnxModelConfigSchema>;
/** A model configuration as written (defaults not yet applied). */
export type OnnxModelConfigInput = z.input<typeof onnxModelConfigSchema>;

/** One image's classification. */
export interface OnnxPrediction {
  readonly label: string;
  /** The winning label's score after the activation. */
  readonly score: number;
  /** Every label's score. */
  readonly scores: Readonly<Record<string, number>>;
}

/** A loaded model. */
export interface OnnxImageModel {
  readonly config: OnnxModelConfig;
  /** Local file the session was created from (the cache file for `gs://` models). */
  readonly path: string;
  /**
   * Classifies a batch of prepared images (`imageToTensor`) in one session run; an item of the wrong size fails
   * alone.
   */
  classify(items: readonly TensorItem[]): Promise<BatchItemResult<OnnxPrediction>[]>;
}

/** Resolves the model file, creates the onnxruntime session and checks the configured names against the model. */
export async function loadOnnxImageModel(config: OnnxModelConfig, files: ModelFileOptions = {}): Promise<OnnxImageModel> {
  const { path } = await resolveModelFile(config.uri, files);
  // One intra-op thread: the stage's other work (HTTP, sharp) has the rest of the instance.
  const session = await startSessionThread(path, { intraOpNumThreads: 1 });
  if (!session.inputNames.includes(config.input.name)) {
    throw new Error(`model ${config.name}: no input named "${config.input.name}" (inputs: ${session.inputNames.join(', ')})`);
  }
  if (!session.outputNames.includes(config.output.name)) {
    throw new Error(`model ${config.name}: no output named "${config.output.name}" (outputs: ${session.outputNames.join(', ')})`);
  }
  const itemSize = config.input.dims[0] * config.input.dims[1] * config.input.dims[2];
  return {
    config,
    path,
    async classify(items) {
      const results: BatchItemResult<OnnxPrediction>[] = items.map(() => ({ ok: false, error: new Error('not run') }));
      const prepared: { index: number; tensor: TensorItem }[] = [];
      items.forEach((tensor, index) => {
        const expected = config.input.dtype === 'uint8' ? tensor instanceof Uint8Array : tensor instanceof Float32Array;
        if (tensor.length === itemSize && expected) prepared.push({ index, tensor });
        else results[index] = { ok: false, error: new Error(`model ${config.name}: expected ${itemSize} ${config.input.dtype} values per image, got ${tensor.length}`) };
      });
      if (prepared.length === 0) return results;
      const batch = config.input.dtype === 'uint8' ? new Uint8Array(itemSize * prepared.length) : new Float32Array(itemSize * prepared.length);
      prepared.forEach((p, i) => batch.set(p.tensor, i * itemSize));
      const output = await session.run(config.input.name, { type: config.input.dtype, data: batch, dims: [prepared.length, ...config.input.dims] }, config.output.name);
      const labels = config.output.labels;
      if (output.dims.length !== 2 || output.dims[0] !== prepared.length || output.dims[1] !== labels.length) {
        throw new Error(`model ${config.name}: output "${config.output.name}" has shape [${output.dims.join(', ')}]; expected [${prepared.length}, ${labels.length}] (one score per label)`);
      }
      const { data } = output;
      prepared.forEach((p, i) => {
        results[p.index] = { ok: true, value: predict(Array.from(data.subarray(i * labels.length, (i + 1) * labels.length)), config) };
      });
      return results;
    },
  };
}

function predict(raw: number[], config: OnnxModelConfig): OnnxPrediction {
  const values = activate(raw, config.output.activation);
  const labels = config.output.labels;
  let best = 0;
  values.forEach((v, i) => {
    if (v > (values[best] as number)) best = i;
  });
  const scores = Object.fromEntries(labels.map((label, i) => [label, round(values[i] as number)]));
  return { label: labels[best] as string, score: round(values[best] as number), scores };
}

function activate(values: number[], activation: OnnxModelConfig['output']['activation']): number[] {
  if (activation === 'sigmoid') return values.map((v) => 1 / (1 + Math.exp(-v)));
  if (activation === 'softmax') {
    const max = Math.max(...values);
    const exps = values.map((v) => Math.exp(v - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    return exps.map((v) => v / sum);
  }
  return values;
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
