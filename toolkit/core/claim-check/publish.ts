import { ATTR } from '../pipeline/attributes';
import { PUBSUB_LIMITS } from '../pipeline/defaults';
import type { PayloadStore } from '../runtime/hooks';
import type { OutgoingMessage } from '../runtime/limits';
import { parseClaimCheckConfig } from './config';
import { CLAIM_CHECK_DEFAULTS } from './defaults';
import { createFilePayloadStore } from './file-store';
import { payloadStoreFor } from './store';

/**
 * The claim-check store a publisher outside the pipeline (`aipipe publish`) uses: the one the environment
 * configures (CLAIM_CHECK_BUCKET or CLAIM_CHECK_DIR); else, when publishing to the pipeline a running `npm start`
 * recorded (no PUBSUB_EMULATOR_HOST, no --cloud; the caller reads the laptop's state file), the directory its stage servers use; else none.
 */
export function publisherPayloadStore(
  env: NodeJS.ProcessEnv,
  target: { readonly cloud?: boolean; readonly localPipelineRunning: boolean },
): PayloadStore | undefined {
  const config = parseClaimCheckConfig(env);
  if (config.kind !== 'none') return payloadStoreFor(config);
  const localPipeline = !target.cloud && !env['PUBSUB_EMULATOR_HOST'] && target.localPipelineRunning;
  return localPipeline ? createFilePayloadStore({ directory: CLAIM_CHECK_DEFAULTS.localDirectory, thresholdBytes: CLAIM_CHECK_DEFAULTS.thresholdBytes }) : undefined;
}

/** Whether a message's data goes by reference with this store. */
export function goesByReference(message: OutgoingMessage, store: PayloadStore | undefined): store is PayloadStore {
  return store !== undefined && message.data.length > store.thresholdBytes;
}

/**
 * The message as it will be published, for checking Pub/Sub's limits before anything is stored: data that goes by
 * reference is replaced by the longest reference an attribute can hold.
 */
export function asPublished(message: OutgoingMessage, store: PayloadStore | undefined): OutgoingMessage {
  if (!goesByReference(message, store)) return message;
  return { ...message, data: Buffer.alloc(0), attributes: { ...message.attributes, [ATTR.claimCheck]: 'x'.repeat(PUBSUB_LIMITS.attributeValueBytes) } };
}

/** Stores the data of a message over the threshold and returns the message that carries the reference instead. */
export async function checkIn(message: OutgoingMessage, store: PayloadStore | undefined, hint: { stage: string; correlationId: string }): Promise<OutgoingMessage> {
  if (!goesByReference(message, store)) return message;
  const reference = await store.put(message.data, hint);
  return { ...message, data: Buffer.alloc(0), attributes: { ...message.attributes, [ATTR.claimCheck]: reference } };
}
