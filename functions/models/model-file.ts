/**
 * Where a model's weights come from: a local path (a file shipped in a package or baked into the image) or a
 * `gs://` object, downloaded once at cold start into a cache under `os.tmpdir()` (on Cloud Functions that is an
 * in-memory filesystem, so the file counts against the instance's memory). Cached files are keyed by bucket,
 * object and generation: an overwritten object is downloaded again, an unchanged one never twice.
 */
import { createHash } from 'node:crypto';
import { stat, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGsUri, type GcsClient } from './cloud-storage';

/** Options of `resolveModelFile`. */
export interface ModelFileOptions {
  /** Needed for `gs://` URIs. */
  readonly gcs?: GcsClient;
  /** Cache directory for downloads; default `<os.tmpdir()>/aipipe-models`. */
  readonly cacheDir?: string;
}

/** The local file a model is read from, and whether it had to be downloaded. */
export interface ResolvedModelFile {
  readonly path: string;
  readonly downloaded: boolean;
}

/** Default cache directory for downloaded models. */
export function defaultModelCacheDir(): string {
  return join(tmpdir(), 'aipipe-models');
}

/**
 * Resolves a model URI (`gs://bucket/object`, `file:///abs/path` or a plain path) to a local file that exists.
 * Throws an error naming the URI when it cannot.
 */
export async function resolveModelFile(uri: string, options: ModelFileOptions = {}): Promise<ResolvedModelFile> {
  if (uri.startsWith('gs://')) {
    if (!options.gcs) throw new Error(`model ${uri}: a Cloud Storage client is needed to load a gs:// model`);
    const location = parseGsUri(uri);
    const info = await options.gcs.stat(location);
    const cacheDir = options.cacheDir ?? defaultModelCacheDir();
    const key = createHash('sha256').update(`${location.bucket}/${location.object}#${info.generation}`).digest('hex').slice(0, 16);
    const path = join(cacheDir, `${key}-${basename(location.object)}`);
    const cached = await stat(path).catch(() => undefined);
    if (cached && cached.size === info.size) return { path, downloaded: false };
    await mkdir(cacheDir, { recursive: true });
    await options.gcs.download(location, path);
    const written = await stat(path);
    if (written.size !== info.size) throw new Error(`model ${uri}: downloaded ${written.size} bytes, its metadata says ${info.size}`);
    return { path, downloaded: true };
  }
  const path = uri.startsWith('file://') ? fileURLToPath(uri) : isAbsolute(uri) ? uri : resolve(uri);
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile()) throw new Error(`model ${uri}: no such file (${path})`);
  return { path, downloaded: false };
}
