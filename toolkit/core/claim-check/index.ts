/**
 * Claim check: payloads too large for a Pub/Sub message are stored in Cloud Storage (or a local directory) and
 * the message carries a reference in the `claimCheck` attribute. The stage runtime resolves references on
 * receipt and stores large results (functions/runtime/stage-processor.ts); `aipipe publish` stores large requests.
 */
import type { PayloadStore } from '../runtime/hooks';
import { parseClaimCheckConfig } from './config';
import { CLAIM_CHECK_DEFAULTS } from './defaults';
import { payloadStoreFor } from './store';

export * from './config';
export * from './defaults';
export * from './errors';
export * from './file-store';
export * from './gcs-store';
export * from './reference';
export * from './store';

/** The claim-check store the environment configures (see `parseClaimCheckConfig`), or undefined for none. */
export function createPayloadStore(env: NodeJS.ProcessEnv): PayloadStore | undefined {
  return payloadStoreFor(parseClaimCheckConfig(env));
}

/**
 * What the local runner adds to its stage servers' environment: the directory store under `.local/claim-check`,
 * unless a bucket or a directory is configured already.
 */
export function localClaimCheckEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return parseClaimCheckConfig(env).kind === 'none' ? { CLAIM_CHECK_DIR: CLAIM_CHECK_DEFAULTS.localDirectory } : {};
}
