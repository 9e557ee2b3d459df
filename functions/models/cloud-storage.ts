/**
 * Reading objects from Cloud Storage (`gs://bucket/object`), for images referenced by requests and for model files
 * loaded at cold start. The default client is `@google-cloud/storage`, which talks to `STORAGE_EMULATOR_HOST` when
 * that is set (locally and in tests) and to Google Cloud with the function's service account otherwise.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { InvalidInputError, RetryableError, UnsupportedContentError } from '../../toolkit/core';

/** A parsed `gs://` URI. */
export interface GcsLocation {
  readonly bucket: string;
  readonly object: string;
}

/** What the object's metadata says. */
export interface GcsObjectInfo {
  readonly size: number;
  /** Changes whenever the object is overwritten; part of cache keys. */
  readonly generation: string;
}

/** The few Cloud Storage operations the stages use; injectable so tests can use a fake. */
export interface GcsClient {
  stat(location: GcsLocation): Promise<GcsObjectInfo>;
  /** The whole object in memory. */
  read(location: GcsLocation): Promise<Buffer>;
  /** Streams the object into `path` (written to a temporary name first, then renamed, so readers never see half a file). */
  download(location: GcsLocation, path: string): Promise<void>;
}

const GS_URI = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])\/(.+)$/;

/** Parses `gs://bucket/object`, or throws `InvalidInputError` saying what a valid URI looks like. */
export function parseGsUri(uri: string): GcsLocation {
  const match = GS_URI.exec(uri);
  if (!match) throw new InvalidInputError(`"${uri}" is not a Cloud Storage URI; expected gs://<bucket>/<object>`);
  return { bucket: match[1] as string, object: match[2] as string };
}

/** The `@google-cloud/storage` client, created on first use (honours `STORAGE_EMULATOR_HOST`). */
export function createGcsClient(): GcsClient {
  const storage = (async () => {
    const { Storage } = await import('@google-cloud/storage');
    return new Storage();
  })();
  const file = async (location: GcsLocation) => (await storage).bucket(location.bucket).file(location.object);
  return {
    async stat(location) {
      try {
        const [metadata] = await (await file(location)).getMetadata();
        return { size: Number(metadata.size ?? 0), generation: String(metadata.generation ?? '0') };
      } catch (error) {
        throw storageError(location, error);
      }
    },
    async read(location) {
      try {
        const [contents] = await (await file(location)).download();
        return contents;
      } catch (error) {
        throw storageError(location, error);
      }
    },
    async download(location, path) {
      const partial = `${path}.${process.pid}.${Date.now()}.part`;
      try {
        await pipeline((await file(location)).createReadStream(), createWriteStream(partial));
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw storageError(location, error);
      }
    },
  };
}

/** Reads an object, refusing it (permanently) when its metadata says it is larger than `maxBytes`. */
export async function readObject(client: GcsClient, location: GcsLocation, maxBytes: number): Promise<Buffer> {
  const info = await client.stat(location);
  if (info.size > maxBytes) {
    throw new UnsupportedContentError(`gs://${location.bucket}/${location.object} is ${info.size} bytes; expected at most ${maxBytes}`);
  }
  const contents = await client.read(location);
  // The object may have been replaced between the two calls.
  if (contents.length > maxBytes) throw new UnsupportedContentError(`gs://${location.bucket}/${location.object} is ${contents.length} bytes; expected at most ${maxBytes}`);
  return contents;
}

/**
 * A missing object or bucket is the request's fault and will not appear by retrying ten times: permanent. Anything
 * else (permissions being granted, a network blip, a 5xx) may pass: retryable.
 */
function storageError(location: GcsLocation, error: unknown): Error {
  const code = (error as { code?: unknown }).code;
  const where = `gs://${location.bucket}/${location.object}`;
  if (code === 404) return new InvalidInputError(`${where} does not exist (404 from Cloud Storage)`, { cause: error });
  return new RetryableError(`reading ${where} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
}
