import { defineStage } from '../../../toolkit/core';
import { definition } from '../../definition';
import { createGcsClient } from '../../models/cloud-storage';
import { loadOcrEngine } from '../../models/ocr-engine';
import { textRequestSchema } from '../text-request';
import { parseOcrConfig } from './config';
import { handleOcr } from './handler';
import { IMAGE_REQUEST_EXPECTS } from './image-request';
import { ocrInputSchema } from './schema';

/** The `ocr` stage: Tesseract (tesseract.js) reads the text of an image; the text goes on as a text request. */
export default defineStage(definition, 'ocr', {
  input: ocrInputSchema,
  expects: `${IMAGE_REQUEST_EXPECTS}, optionally with the onnx stage's "onnx" finding`,
  output: textRequestSchema,
  // The environment is read here, once per instance, at the stage's edge; the handler only sees typed config.
  loadDependencies: async ({ env }) => ({ ocr: await loadOcrEngine(), gcs: createGcsClient(), config: parseOcrConfig(env) }),
  handle: handleOcr,
});
