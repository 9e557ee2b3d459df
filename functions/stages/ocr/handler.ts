import type { GcsClient } from '../../models/cloud-storage';
import { inspectImage, label, uprightGreyPng, type ImageInfo } from '../../models/image-decoder';
import type { OcrEngine } from '../../models/ocr-engine';
import { RetryableError, UnsupportedContentError } from '../../../toolkit/core';
import type { StageContext, StageOutput } from '../../../toolkit/core';
import { MAX_TEXT_LENGTH, type TextRequest } from '../text-request';
import type { OcrConfig } from './config';
import { loadImageBytes } from './image-source';
import { OCR_METADATA, type OcrInput } from './schema';

/** What the ocr stage needs. */
export interface OcrDeps {
  readonly ocr: OcrEngine;
  readonly gcs: GcsClient;
  readonly config: OcrConfig;
}

/**
 * Reads the text of the image and passes it on as a text request, which the text path (language, nlp, classify)
 * handles like any other. The `contentType` attribute stays `image`, so the result still says where it came from.
 */
export async function handleOcr(input: OcrInput, context: StageContext<OcrDeps>): Promise<StageOutput<TextRequest>> {
  const { config } = context.deps;
  const limits = { maxPixels: config.images.maxPixels };
  const bytes = await loadImageBytes(input.image, { config: config.images, gcs: context.deps.gcs });
  const info = await inspectImage(bytes, limits);
  const rotateDegrees = orientation(input, config.orientationMinScore);
  // Decoded and turned here, natively, whatever the format: Tesseract gets an upright grey PNG it reads at once.
  const upright = await uprightGreyPng(bytes, info, { ...limits, rotateDegrees });
  let result;
  try {
    result = await context.deps.ocr.recognize(upright);
  } catch (error) {
    // The image was decoded already: a failure here is the engine's trouble, not the image's. Deliver it again.
    throw new RetryableError(`OCR failed: ${errorText(error)}`, { cause: error });
  }
  if (result.text === '') throw new UnsupportedContentError(`no text found in the ${label(info.format)} image (${describeSize(info)}); expected an image of printed text`);
  context.logger.info('ocr read the image', { format: info.format, characters: result.text.length, confidence: result.confidence, rotateDegrees });
  return {
    data: {
      text: result.text.slice(0, MAX_TEXT_LENGTH),
      ...(input.id !== undefined ? { id: input.id } : {}),
      metadata: {
        ...input.metadata,
        [OCR_METADATA.confidence]: result.confidence,
        [OCR_METADATA.source]: input.image.uri ?? 'inline',
        [OCR_METADATA.rotatedDegrees]: rotateDegrees,
      },
    },
  };
}

/** Degrees to turn the image, from the onnx stage's label when it is a confident number of degrees. */
function orientation(input: OcrInput, minScore: number): number {
  const finding = input.onnx;
  if (!finding || finding.score < minScore) return 0;
  const degrees = Number(finding.label);
  return [90, 180, 270].includes(degrees) ? degrees : 0;
}

function describeSize(info: ImageInfo): string {
  return `${info.width}×${info.height}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
