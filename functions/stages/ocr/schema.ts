import { z } from 'zod';
import { onnxFindingSchema } from '../onnx/schema';
import { imageRequestSchema } from './image-request';

/**
 * The ocr stage reads an image request, with the onnx stage's finding when it comes through that stage (the
 * default pipeline) or without it when wired straight to the ingress topic.
 */
export const ocrInputSchema = imageRequestSchema.extend({ onnx: onnxFindingSchema.optional() });

/** Input of the ocr stage. */
export type OcrInput = z.infer<typeof ocrInputSchema>;

/** Keys the ocr stage adds to the request's `metadata` (the text path's schemas have no other place for them). */
export const OCR_METADATA = {
  /** Tesseract's mean word confidence, 0..1. */
  confidence: 'ocrConfidence',
  /** Where the image came from: its URI, or `inline`. */
  source: 'ocrSource',
  /** Degrees the image was turned before reading (from the onnx stage's orientation), 0 if not. */
  rotatedDegrees: 'ocrRotatedDegrees',
} as const;
