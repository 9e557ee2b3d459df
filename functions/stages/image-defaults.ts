/** Defaults of the stages that read images (onnx, ocr); each can be overridden by the stage's environment. */
export const IMAGE_DEFAULTS = {
  /** 10 MiB: Pub/Sub's message limit, so an image by reference is allowed what an inline one could carry at most. */
  maxBytes: 10 * 1024 * 1024,
  /** 25 MP (a 5000×5000 scan): Tesseract's wasm heap holds several copies of the raster, ~100 MB each at this size. */
  maxPixels: 25_000_000,
} as const;
