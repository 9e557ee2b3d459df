import { createGcsClient } from '../../models/cloud-storage';
import { loadOnnxImageModel, type OnnxPrediction } from '../../models/onnx-model';
import type { TensorItem } from '../../models/image-tensor';
import { createMicroBatcher, defineStage, type BatchingOptions } from '../../../toolkit/core';
import { definition } from '../../definition';
import { IMAGE_REQUEST_EXPECTS, imageRequestSchema } from '../ocr/image-request';
import { parseOnnxStageConfig } from './config';
import { handleOnnx, type OnnxDeps } from './handler';
import { onnxOutputSchema } from './schema';

/** Loads the configured model once per instance and micro-batches concurrent requests onto it. */
export async function loadOnnxDeps(env: NodeJS.ProcessEnv, files: { cacheDir?: string } = {}, batching?: BatchingOptions): Promise<OnnxDeps> {
  const config = parseOnnxStageConfig(env, batching);
  const gcs = createGcsClient();
  const model = await loadOnnxImageModel(config.model, { gcs, ...files });
  const batcher = createMicroBatcher<TensorItem, OnnxPrediction>((items) => model.classify(items), config.batching);
  return { classify: (item) => batcher.submit(item), gcs, config, batchStats: () => batcher.stats() };
}

/**
 * The `onnx` stage: any ONNX image model from configuration (local path or gs://, loaded at cold start). The
 * example pipeline runs PaddleOCR's text-line direction classifier on images before OCR.
 */
export default defineStage(definition, 'onnx', {
  input: imageRequestSchema,
  expects: IMAGE_REQUEST_EXPECTS,
  output: onnxOutputSchema,
  loadDependencies: ({ env, stage }) => loadOnnxDeps(env, {}, stage.batching),
  handle: handleOnnx,
});
