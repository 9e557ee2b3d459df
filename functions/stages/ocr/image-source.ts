/**
 * Fetches the bytes of a requested image: inline base64, a `gs://` object, or a `file://` path inside the one
 * directory the stage is configured to allow. Sizes are checked before anything large is read.
 */
import { realpath, stat, readFile } from 'node:fs/promises';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseGsUri, readObject, type GcsClient } from '../../models/cloud-storage';
import { IMAGE_DEFAULTS } from '../image-defaults';
import { InvalidInputError, UnsupportedContentError } from '../../../toolkit/core';
import { describeZodError } from '../../../toolkit/core';
import type { ImageReference } from './image-request';

/** Image limits and the `file://` directory, read from the environment once, at the stage's edge. */
export const imageSourceConfigSchema = z.object({
  /** Directory `file://` URIs must lie in (after resolving symlinks); `file://` is refused when unset. */
  IMAGE_FILE_ROOT: z.string().min(1).optional(),
  IMAGE_MAX_BYTES: z.coerce.number({ error: 'IMAGE_MAX_BYTES must be a number of bytes' }).int().positive().default(IMAGE_DEFAULTS.maxBytes),
  IMAGE_MAX_PIXELS: z.coerce.number({ error: 'IMAGE_MAX_PIXELS must be a number of pixels' }).int().positive().default(IMAGE_DEFAULTS.maxPixels),
});

/** Image limits and sources. */
export interface ImageSourceConfig {
  readonly fileRoot?: string;
  readonly maxBytes: number;
  readonly maxPixels: number;
}

/** Parses the image settings of a stage's environment, failing fast with the variable's name. */
export function parseImageSourceConfig(env: NodeJS.ProcessEnv): ImageSourceConfig {
  const parsed = imageSourceConfigSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid image configuration: ${describeZodError(parsed.error)}`);
  return { fileRoot: parsed.data.IMAGE_FILE_ROOT, maxBytes: parsed.data.IMAGE_MAX_BYTES, maxPixels: parsed.data.IMAGE_MAX_PIXELS };
}

/** What `loadImageBytes` needs. */
export interface ImageSourceDeps {
  readonly config: ImageSourceConfig;
  readonly gcs: GcsClient;
}

const DATA_URL = /^data:image\/[a-z0-9.+-]+;base64,/i;

/** The image's bytes, or a permanent error saying why the reference cannot be read. */
export async function loadImageBytes(image: ImageReference, deps: ImageSourceDeps): Promise<Buffer> {
  const { maxBytes } = deps.config;
  if (image.data !== undefined) {
    const unwrapped = image.data.replace(DATA_URL, '');
    const base64 = /\s/.test(unwrapped) ? unwrapped.replace(/\s+/g, '') : unwrapped;
    if (!isBase64(base64) || base64.length % 4 === 1) throw new InvalidInputError('image.data is not valid base64');
    // The decoded size, known before decoding: a huge string is refused without allocating its bytes.
    const bytes = Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
    if (bytes > maxBytes) throw new UnsupportedContentError(`image.data holds ${bytes} bytes; expected at most ${maxBytes}`);
    return Buffer.from(base64, 'base64');
  }
  const uri = image.uri as string;
  if (uri.startsWith('gs://')) return readObject(deps.gcs, parseGsUri(uri), maxBytes);
  return readLocalFile(uri, deps.config);
}

/**
 * Whether the text is base64: letters, digits, `+` and `/`, with at most two `=` at the end. A loop rather than the
 * equivalent regular expression, which costs about a millisecond on a few hundred kilobytes of image.
 */
function isBase64(text: string): boolean {
  const end = text.endsWith('==') ? text.length - 2 : text.endsWith('=') ? text.length - 1 : text.length;
  for (let i = 0; i < end; i += 1) {
    const c = text.charCodeAt(i);
    // A-Z, a-z, 0-9, '+', '/'.
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47)) return false;
  }
  return true;
}

async function readLocalFile(uri: string, config: ImageSourceConfig): Promise<Buffer> {
  if (!config.fileRoot) throw new InvalidInputError(`image.uri ${uri}: file:// images are not allowed here (IMAGE_FILE_ROOT is not set)`);
  let path: string;
  try {
    path = fileURLToPath(uri);
  } catch (error) {
    throw new InvalidInputError(`image.uri ${uri} is not a valid file URL: ${(error as Error).message}`);
  }
  // Resolve symlinks on both sides, so neither `..` nor a link can lead outside the allowed directory.
  const root = await realpath(config.fileRoot);
  const real = await realpath(path).catch(() => undefined);
  if (!real) throw new InvalidInputError(`image.uri ${uri}: no such file`);
  if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new InvalidInputError(`image.uri ${uri} is outside the allowed directory ${config.fileRoot}`);
  }
  const info = await stat(real);
  if (!info.isFile()) throw new InvalidInputError(`image.uri ${uri} is not a regular file`);
  if (info.size > config.maxBytes) throw new UnsupportedContentError(`image.uri ${uri} is ${info.size} bytes; expected at most ${config.maxBytes}`);
  return readFile(real);
}
