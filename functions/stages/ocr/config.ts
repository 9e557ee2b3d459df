import { z } from 'zod';
import { describeZodError } from '../../../toolkit/core';
import { parseImageSourceConfig, type ImageSourceConfig } from './image-source';

/**
 * The onnx stage's label is trusted as the image's orientation only from this score up: PaddleOCR's own default
 * (`cls_thresh` 0.9). Below it, Tesseract reads the image as it is rather than turn a right-way-up image over.
 */
export const DEFAULT_ORIENTATION_MIN_SCORE = 0.9;

/** Configuration of the ocr stage. */
export interface OcrConfig {
  readonly images: ImageSourceConfig;
  readonly orientationMinScore: number;
}

const ocrEnvSchema = z.object({
  OCR_ORIENTATION_MIN_SCORE: z.coerce
    .number({ error: 'OCR_ORIENTATION_MIN_SCORE must be a number between 0 and 1' })
    .min(0, 'OCR_ORIENTATION_MIN_SCORE must be between 0 and 1')
    .max(1, 'OCR_ORIENTATION_MIN_SCORE must be between 0 and 1')
    .default(DEFAULT_ORIENTATION_MIN_SCORE),
});

/** Parses the ocr stage's environment once, failing fast with the variable's name. */
export function parseOcrConfig(env: NodeJS.ProcessEnv): OcrConfig {
  const parsed = ocrEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid ocr configuration: ${describeZodError(parsed.error)}`);
  return { images: parseImageSourceConfig(env), orientationMinScore: parsed.data.OCR_ORIENTATION_MIN_SCORE };
}
