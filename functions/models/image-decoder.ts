/**
 * Image decoding for the image stages, by sharp (libvips; its prebuilt binaries come from the npm registry as
 * `@img/sharp-linux-x64` + `@img/sharp-libvips-linux-x64`, which `npm install` picks for linux-x64 glibc, the Cloud
 * Functions runtime). What is accepted, and in which order the checks run:
 *
 *   1. `inspectImage` reads the header only (sharp's `metadata()`): the format (sharp's own detection, never the
 *      declared content type or a file name), the size after EXIF orientation, and refuses an image over the pixel
 *      limit before a single pixel is decoded;
 *   2. `openImage` then decodes, with `limitInputPixels` as a second guard, `failOn: 'warning'` so a truncated or
 *      corrupt file fails instead of decoding to grey, and the EXIF orientation applied.
 *
 * Every refusal is an `UnsupportedContentError` (a dead letter `UNSUPPORTED_CONTENT`) that names the format found.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';
import { UnsupportedContentError } from '../../toolkit/core';

// One libvips thread per image: the stages decode many small images at once on libuv's thread pool already, and on
// a one-vCPU instance more threads per image only contend. Decoded images are never reused: no operation cache.
sharp.concurrency(1);
sharp.cache(false);

/** Formats the image stages accept (AVIF is HEIF with AV1 compression; HEIC is not in sharp's prebuilt libvips). */
export const IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const;
/** One of `IMAGE_FORMATS`. */
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** What the header says. */
export interface ImageInfo {
  readonly format: ImageFormat;
  /** Pixels, after the EXIF orientation is applied (a portrait photo stored sideways is reported upright). */
  readonly width: number;
  readonly height: number;
  /** The EXIF orientation tag (1..8), 1 when absent. */
  readonly orientation: number;
  /** Frames or pages in the file (animated GIF or WebP, multi-page TIFF); only the first is decoded. */
  readonly pages: number;
}

/** Limits applied before and while decoding. */
export interface ImageLimits {
  /** Most pixels (width × height) accepted; checked from the header, before decoding. */
  readonly maxPixels: number;
}

/** Reads the header: format, size and orientation. Throws `UnsupportedContentError` naming what is wrong. */
export async function inspectImage(bytes: Buffer, limits: ImageLimits): Promise<ImageInfo> {
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new UnsupportedContentError(`not a supported image: ${describeContent(bytes)} (${sharpMessage(error)}); expected ${EXPECTED}`, { cause: error });
  }
  const format = acceptedFormat(metadata);
  if (!format) throw new UnsupportedContentError(`unsupported image format ${formatName(metadata)}; expected ${EXPECTED}`);
  const { width, height } = metadata.autoOrient ?? metadata;
  if (!width || !height) throw new UnsupportedContentError(`corrupt ${label(format)}: its header gives the size ${width}×${height}`);
  if (width * height > limits.maxPixels) {
    throw new UnsupportedContentError(`image too large: the ${label(format)} is ${width}×${height} = ${width * height} pixels; expected at most ${limits.maxPixels}`);
  }
  return { format, width, height, orientation: metadata.orientation ?? 1, pages: metadata.pages ?? 1 };
}

/**
 * A decoding pipeline for an inspected image: first frame or page, EXIF orientation applied, the pixel limit
 * enforced again by libvips, corrupt pixel data an error. Finish it with `decoded` to map decoder errors.
 */
export function openImage(bytes: Buffer, limits: ImageLimits): Sharp {
  return sharp(bytes, { autoOrient: true, limitInputPixels: limits.maxPixels, failOn: 'warning', pages: 1 });
}

/** Awaits a sharp output and turns a decoder failure into `UnsupportedContentError` naming the format. */
export async function decoded<T>(output: Promise<T>, info: Pick<ImageInfo, 'format'>): Promise<T> {
  try {
    return await output;
  } catch (error) {
    const message = sharpMessage(error);
    // The header passed inspectImage's check, but libvips found more pixels (a later frame or page, say).
    if (/pixel limit/i.test(message)) throw new UnsupportedContentError(`image too large: ${message}`, { cause: error });
    throw new UnsupportedContentError(`truncated or corrupt ${label(info.format)}: ${message}; expected a complete ${label(info.format)} file`, { cause: error });
  }
}

/**
 * The image turned upright (EXIF orientation, then `rotateDegrees` clockwise), as an uncompressed one-channel grey
 * PNG.
 */
export function uprightGreyPng(bytes: Buffer, info: Pick<ImageInfo, 'format'>, options: ImageLimits & { readonly rotateDegrees?: number }): Promise<Buffer> {
  let image = openImage(bytes, options);
  if (options.rotateDegrees) image = image.rotate(options.rotateDegrees);
  // Transparent text is common: composite over white. `b-w`, not `greyscale()`, which keeps three equal channels
  // and so three times the bytes. No deflate: the reader is in the same process.
  return decoded(image.flatten({ background: '#ffffff' }).toColourspace('b-w').png({ compressionLevel: 0, adaptiveFiltering: false }).toBuffer(), info);
}

const EXPECTED = 'a JPEG, PNG, WebP, GIF, TIFF or AVIF file';

function acceptedFormat(metadata: Metadata): ImageFormat | undefined {
  if (metadata.format === 'heif') return metadata.compression === 'av1' ? 'avif' : undefined;
  return (IMAGE_FORMATS as readonly string[]).includes(metadata.format) ? (metadata.format as ImageFormat) : undefined;
}

function formatName(metadata: Metadata): string {
  if (metadata.format === 'heif') return metadata.compression === 'hevc' ? 'HEIC' : 'HEIF';
  return metadata.format.toUpperCase();
}

/** The name people use for a format. */
export function label(format: ImageFormat): string {
  return format === 'webp' ? 'WebP' : format.toUpperCase();
}

/**
 * What some common non-image content is, for the refusal message: sharp only says "unsupported image format".
 * Magic numbers of the formats senders most often mistake for images; anything else is shown by its first bytes.
 */
const KNOWN_CONTENT: readonly (readonly [string, string])[] = [
  ['PDF document', '%PDF-'],
  ['ZIP archive (or an Office document)', 'PK\x03\x04'],
  ['BMP image (not supported)', 'BM'],
];

/** Names the content for an error message: a known non-image format, or its first bytes. */
export function describeContent(bytes: Buffer): string {
  if (bytes.length === 0) return 'the file is empty';
  const head = bytes.subarray(0, 16).toString('latin1');
  const known = KNOWN_CONTENT.find(([, magic]) => head.startsWith(magic));
  if (known) return `found a ${known[0]}`;
  const start = bytes.subarray(0, 8);
  const text = start.toString('latin1');
  return `the bytes start with ${/^[\x20-\x7e]+$/.test(text) ? JSON.stringify(text) : start.toString('hex').replace(/(..)/g, '$1 ').trim()}`;
}

function sharpMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
