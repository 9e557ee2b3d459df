import { z } from 'zod';
import { imageRequestSchema } from '../ocr/image-request';

/** What the generic onnx stage found: the model's top label and every label's score. */
export const onnxFindingSchema = z
  .object({
    /** The configured model name. */
    model: z.string(),
    label: z.string(),
    score: z.number(),
    scores: z.record(z.string(), z.number()),
  })
  .strict();

/** The onnx stage's finding. */
export type OnnxFinding = z.infer<typeof onnxFindingSchema>;

/** The onnx stage's output: the image request, passed on unchanged, plus `onnx`. */
export const onnxOutputSchema = imageRequestSchema.extend({ onnx: onnxFindingSchema });

/** Output of the onnx stage. */
export type OnnxOutput = z.infer<typeof onnxOutputSchema>;
