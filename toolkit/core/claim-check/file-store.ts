import { randomBytes } from 'node:crypto';
import { mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { PayloadStore } from '../runtime/hooks';
import { CLAIM_CHECK_DEFAULTS } from './defaults';
import { ClaimCheckContentError, ClaimCheckNotFoundError, ClaimCheckUnavailableError, InvalidClaimCheckError } from './errors';
import { contentName, fileReference, isInside, parseReference, promisedHash, sha256Hex } from './reference';

/** Options of `createFilePayloadStore`. */
export interface FilePayloadStoreOptions {
  /** The directory payloads are written to and the only one references may point into. */
  readonly directory: string;
  readonly thresholdBytes: number;
  readonly maxPayloadBytes?: number;
}

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/**
 * A claim-check store in a local directory (`npm start`, tests, one-machine set-ups), referenced as
 * `file:///<directory>/sha256/<hex>`. Writes go to a temporary name and are renamed into place, so a reader never
 * sees half a payload; a payload already stored (a retry, the same request twice) is not written again.
 * References outside the directory are refused, so a message cannot make a stage read arbitrary files.
 */
export function createFilePayloadStore(options: FilePayloadStoreOptions): PayloadStore {
  const directory = resolve(options.directory);
  const maxPayloadBytes = options.maxPayloadBytes ?? CLAIM_CHECK_DEFAULTS.maxPayloadBytes;
  // Resolved once it exists, so symbolic links in the configured path do not make every reference "outside".
  let root: Promise<string> | undefined;
  const realRoot = (): Promise<string> => {
    root ??= mkdir(directory, { recursive: true })
      .then(() => realpath(directory))
      .catch((error: unknown) => {
        root = undefined;
        throw new ClaimCheckUnavailableError(`claim-check directory ${directory} is not usable: ${(error as Error).message}`, { cause: error });
      });
    return root;
  };

  return {
    thresholdBytes: options.thresholdBytes,
    async put(data) {
      const path = join(await realRoot(), contentName(data));
      try {
        const existing = await stat(path).catch((error: unknown) => (errno(error) === 'ENOENT' ? undefined : Promise.reject(error)));
        if (existing?.size === data.length) return fileReference(path);
        await mkdir(dirname(path), { recursive: true });
        const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
        try {
          await writeFile(partial, data);
          await rename(partial, path);
        } catch (error) {
          await rm(partial, { force: true });
          throw error;
        }
        return fileReference(path);
      } catch (error) {
        throw new ClaimCheckUnavailableError(`storing a ${data.length}-byte payload in ${directory} failed: ${(error as Error).message}`, { cause: error });
      }
    },
    async get(reference) {
      const parsed = parseReference(reference);
      if (parsed.scheme !== 'file') {
        throw new InvalidClaimCheckError(`claim check "${reference}" is a ${parsed.scheme}:// reference, but this stage's claim-check store is the directory ${directory}; expected file://${directory}/...`);
      }
      const rootPath = await realRoot();
      const path = resolve(parsed.path);
      if (!isInside(rootPath, path) && !isInside(directory, path)) {
        throw new InvalidClaimCheckError(`claim check "${reference}" points outside the claim-check directory ${directory}`);
      }
      let data: Buffer;
      try {
        // Resolve links before reading: a link inside the directory must not lead outside it.
        const real = await realpath(path);
        if (!isInside(rootPath, real)) throw new InvalidClaimCheckError(`claim check "${reference}" leads outside the claim-check directory ${directory}`);
        const info = await stat(real);
        if (!info.isFile()) throw new InvalidClaimCheckError(`claim check "${reference}" is not a file`);
        if (info.size > maxPayloadBytes) throw new ClaimCheckContentError(`claim check "${reference}" is ${info.size} bytes; a stage loads at most ${maxPayloadBytes}`);
        data = await readFile(real);
      } catch (error) {
        if (error instanceof InvalidClaimCheckError || error instanceof ClaimCheckContentError) throw error;
        if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') throw new ClaimCheckNotFoundError(`claim check "${reference}" does not exist (never stored, or already deleted)`, { cause: error });
        throw new ClaimCheckUnavailableError(`reading claim check "${reference}" failed: ${(error as Error).message}`, { cause: error });
      }
      const promised = promisedHash(path);
      if (promised && sha256Hex(data) !== promised) throw new ClaimCheckContentError(`claim check "${reference}" does not hold the content its name promises (sha256 mismatch)`);
      return data;
    },
  };
}
