import { createGcsClient } from '../../models/cloud-storage';
import { loadOcrEngine } from '../../models/ocr-engine';
import type { StageDefinition } from '../../../toolkit/core/runtime/stage-definition';
import type { TextRequest } from '../text-request';
import { textRequestSchema } from '../text-request';
import { parseOcrConfig } from './config';
import { handleOcr, type OcrDeps } from './handler';
import { IMAGE_REQUEST_EXPECTS } from './image-request';
import { ocrInputSchema, type OcrInput } from './schema';

/** The `ocr` stage: Tesseract (tesseract.js) reads the text of an image; the text goes on as a text request. */
export const ocrStage: StageDefinition<OcrInput, TextRequest, OcrDeps> = {
  stage: 'ocr',
  input: ocrInputSchema,
  expects: `${IMAGE_REQUEST_EXPECTS}, optionally with the onnx stage's "onnx" finding`,
  output: textRequestSchema,
  // The environment is read here, once per instance, at the stage's edge; the handler only sees typed config.
  loadDependencies: async () => ({ ocr: await loadOcrEngine(), gcs: createGcsClient(), config: parseOcrConfig(process.env) }),
  handle: handleOcr,
};
