import type { GcsClient } from '../../models/cloud-storage';
import { inspectImage } from '../../models/image-format';
import type { OnnxPrediction } from '../../models/onnx-model';
import { decodePng, type RgbaImage } from '../../models/png';
import type { BatcherStats } from '../../../toolkit/core';
import { UnsupportedContentError } from '../../../toolkit/core';
import type { StageContext, StageOutput } from '../../../toolkit/core';
import { loadImageBytes } from '../ocr/image-source';
import type { ImageRequest } from '../ocr/image-request';
import type { OnnxStageConfig } from './config';
import type { OnnxOutput } from './schema';

/** What the onnx stage needs: a classify function (micro-batched over the loaded model), storage, configuration. */
export interface OnnxDeps {
  /** Classifies one decoded image; concurrent calls share one session run. */
  readonly classify: (image: RgbaImage) => Promise<OnnxPrediction>;
  readonly gcs: GcsClient;
  readonly config: OnnxStageConfig;
  /** How the session runs were batched so far (for logs and tests). */
  readonly batchStats?: () => BatcherStats;
}

/**
 * Runs the configured ONNX model on the requested image and passes the request on with the model's finding; sets
 * `onnxLabel` to the top label. Images it cannot decode (not PNG) are skipped or rejected as configured; what is not
 * an image at all, is truncated or too large is always rejected.
 */
export async function handleOnnx(input: ImageRequest, context: StageContext<OnnxDeps>): Promise<StageOutput<OnnxOutput>> {
  const { config } = context.deps;
  const model = config.model.name;
  const bytes = await loadImageBytes(input.image, { config: config.images, gcs: context.deps.gcs });
  const info = inspectImage(bytes, { maxPixels: config.images.maxPixels });
  if (info.format !== 'png') {
    const reason = `the onnx stage decodes PNG only; this image is ${info.format.toUpperCase()}`;
    if (config.undecodable === 'reject') throw new UnsupportedContentError(reason);
    return { data: { ...input, onnx: { model, skipped: reason } } };
  }
  const prediction = await context.deps.classify(decodePng(bytes, { maxPixels: config.images.maxPixels }));
  return {
    data: { ...input, onnx: { model, ...prediction } },
    attributes: { onnxLabel: prediction.label },
  };
}
