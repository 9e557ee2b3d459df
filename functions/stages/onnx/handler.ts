import type { GcsClient } from '../../models/cloud-storage';
import { inspectImage } from '../../models/image-decoder';
import { imageToTensor, type TensorItem } from '../../models/image-tensor';
import type { OnnxPrediction } from '../../models/onnx-model';
import type { BatcherStats } from '../../../toolkit/core';
import type { StageContext, StageOutput } from '../../../toolkit/core';
import { loadImageBytes } from '../ocr/image-source';
import type { ImageRequest } from '../ocr/image-request';
import type { OnnxStageConfig } from './config';
import type { OnnxOutput } from './schema';

/** What the onnx stage needs: a classify function (micro-batched over the loaded model), storage, configuration. */
export interface OnnxDeps {
  /** Classifies one prepared image (`imageToTensor`); concurrent calls share one session run. */
  readonly classify: (item: TensorItem) => Promise<OnnxPrediction>;
  readonly gcs: GcsClient;
  readonly config: OnnxStageConfig;
  /** How the session runs were batched so far (for logs and tests). */
  readonly batchStats?: () => BatcherStats;
}

/**
 * Runs the configured ONNX model on the requested image and passes the request on with the model's finding; sets
 * `onnxLabel` to the top label. The image is inspected from its header first (format, size, the pixel limit), then
 * decoded and resized by sharp; what is not an accepted image, is truncated, corrupt or too large is dead-lettered
 * (`UNSUPPORTED_CONTENT`) with the format found.
 */
export async function handleOnnx(input: ImageRequest, context: StageContext<OnnxDeps>): Promise<StageOutput<OnnxOutput>> {
  const { config } = context.deps;
  const limits = { maxPixels: config.images.maxPixels };
  const bytes = await loadImageBytes(input.image, { config: config.images, gcs: context.deps.gcs });
  const info = await inspectImage(bytes, limits);
  const prediction = await context.deps.classify(await imageToTensor(bytes, info, config.model, limits));
  return {
    data: { ...input, onnx: { model: config.model.name, ...prediction } },
    attributes: { onnxLabel: prediction.label },
  };
}
