import type { Storage } from '@google-cloud/storage';
import type { PayloadStore } from '../runtime/hooks';
import { CLAIM_CHECK_DEFAULTS } from './defaults';
import { ClaimCheckContentError, ClaimCheckNotFoundError, ClaimCheckUnavailableError, InvalidClaimCheckError } from './errors';
import { contentName, gcsReference, parseReference, promisedHash, sha256Hex } from './reference';

/** Options of `createGcsPayloadStore`. */
export interface GcsPayloadStoreOptions {
  /** The claim-check bucket; references to any other bucket are refused. */
  readonly bucket: string;
  readonly thresholdBytes: number;
  readonly maxPayloadBytes?: number;
  /** A client to use; by default one is made on first use, which honours `STORAGE_EMULATOR_HOST`. */
  readonly storage?: Storage;
}

/** HTTP status of a Cloud Storage error (`ApiError.code`), if it has one. */
function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** A client with retries bounded to fit in a stage's timeout (the client's own default allows 10 minutes). */
async function defaultStorage(): Promise<Storage> {
  // Loaded on first use: a stage that never sees a large payload does not pay for loading the client.
  const { Storage } = await import('@google-cloud/storage');
  const retry = CLAIM_CHECK_DEFAULTS.storageRetry;
  return new Storage({ retryOptions: { autoRetry: true, maxRetries: retry.maxRetries, totalTimeout: retry.totalTimeoutSeconds, maxRetryDelay: retry.maxRetryDelaySeconds } });
}

/**
 * A claim-check store in a Cloud Storage bucket (`gs://<bucket>/claim-check/sha256/<hex>`), or in whatever
 * `STORAGE_EMULATOR_HOST` points the client at.
 *
 * Objects are named by the SHA-256 of their content and written only if absent (`ifGenerationMatch: 0`): a retried
 * stage, or the same payload published twice, adds no object, and the writer needs `objectCreator` only (no
 * right to overwrite or delete). Not found and malformed references are permanent errors (dead-lettered);
 * throttling, server errors, network failures and missing permissions are retryable, since an operator can fix
 * them while Pub/Sub keeps redelivering.
 */
export function createGcsPayloadStore(options: GcsPayloadStoreOptions): PayloadStore {
  const { bucket } = options;
  const maxPayloadBytes = options.maxPayloadBytes ?? CLAIM_CHECK_DEFAULTS.maxPayloadBytes;
  let client: Promise<Storage> | undefined;
  const storage = (): Promise<Storage> => {
    client ??= options.storage ? Promise.resolve(options.storage) : defaultStorage();
    return client;
  };
  const transient = (what: string, error: unknown): ClaimCheckUnavailableError =>
    new ClaimCheckUnavailableError(`${what} failed${statusOf(error) ? ` (HTTP ${statusOf(error)})` : ''}: ${(error as Error).message}`, { cause: error });

  return {
    thresholdBytes: options.thresholdBytes,
    async put(data) {
      const object = `${CLAIM_CHECK_DEFAULTS.objectPrefix}${contentName(data)}`;
      const file = (await storage()).bucket(bucket).file(object);
      try {
        await file.save(data, { resumable: false, contentType: 'application/octet-stream', preconditionOpts: { ifGenerationMatch: 0 } });
      } catch (error) {
        // 412: the object exists already, and its name is its content's hash, so it holds these very bytes.
        if (statusOf(error) !== 412) throw transient(`storing a ${data.length}-byte payload as ${gcsReference(bucket, object)}`, error);
      }
      return gcsReference(bucket, object);
    },
    async get(reference) {
      const parsed = parseReference(reference);
      if (parsed.scheme !== 'gs') {
        throw new InvalidClaimCheckError(`claim check "${reference}" is a ${parsed.scheme}:// reference, but this stage's claim-check store is gs://${bucket}; expected gs://${bucket}/...`);
      }
      if (parsed.bucket !== bucket) {
        throw new InvalidClaimCheckError(`claim check "${reference}" is in bucket "${parsed.bucket}"; stages read claim checks from the claim-check bucket "${bucket}" only`);
      }
      const file = (await storage()).bucket(bucket).file(parsed.object);
      let data: Buffer;
      try {
        const [metadata] = await file.getMetadata();
        const size = Number(metadata.size ?? 0);
        if (size > maxPayloadBytes) throw new ClaimCheckContentError(`claim check "${reference}" is ${size} bytes; a stage loads at most ${maxPayloadBytes}`);
        [data] = await file.download();
      } catch (error) {
        if (error instanceof ClaimCheckContentError) throw error;
        const status = statusOf(error);
        if (status === 404) throw new ClaimCheckNotFoundError(`claim check "${reference}" does not exist (never stored, or deleted by the bucket's lifecycle rule)`, { cause: error });
        if (status === 400) throw new InvalidClaimCheckError(`claim check "${reference}" was refused by Cloud Storage as invalid: ${(error as Error).message}`, { cause: error });
        throw transient(`reading claim check "${reference}"`, error);
      }
      const promised = promisedHash(parsed.object);
      if (promised && sha256Hex(data) !== promised) throw new ClaimCheckContentError(`claim check "${reference}" does not hold the content its name promises (sha256 mismatch)`);
      return data;
    },
  };
}
