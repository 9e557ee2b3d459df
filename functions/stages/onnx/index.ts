import { createGcsClient } from '../../models/cloud-storage';
import { loadOnnxImageModel, type OnnxPrediction } from '../../models/onnx-model';
import type { TensorItem } from '../../models/image-tensor';
import { createMicroBatcher } from '../../runtime/micro-batcher';
import type { StageDefinition } from '../../runtime/stage-definition';
import { IMAGE_REQUEST_EXPECTS, imageRequestSchema, type ImageRequest } from '../ocr/image-request';
import { parseOnnxStageConfig } from './config';
import { handleOnnx, type OnnxDeps } from './handler';
import { onnxOutputSchema, type OnnxOutput } from './schema';

/** Loads the configured model once per instance and micro-batches concurrent requests onto it. */
export async function loadOnnxDeps(env: NodeJS.ProcessEnv, files: { cacheDir?: string } = {}): Promise<OnnxDeps> {
  const config = parseOnnxStageConfig(env);
  const gcs = createGcsClient();
  const model = await loadOnnxImageModel(config.model, { gcs, ...files });
  const batcher = createMicroBatcher<TensorItem, OnnxPrediction>((items) => model.classify(items), config.batching);
  return { classify: (item) => batcher.submit(item), gcs, config, batchStats: () => batcher.stats() };
}

/**
 * The `onnx` stage: any ONNX image model from configuration (local path or gs://, loaded at cold start). The
 * default pipeline runs PaddleOCR's text-line direction classifier on images before OCR.
 */
export const onnxStage: StageDefinition<ImageRequest, OnnxOutput, OnnxDeps> = {
  stage: 'onnx',
  input: imageRequestSchema,
  expects: IMAGE_REQUEST_EXPECTS,
  output: onnxOutputSchema,
  loadDependencies: () => loadOnnxDeps(process.env),
  handle: handleOnnx,
};
