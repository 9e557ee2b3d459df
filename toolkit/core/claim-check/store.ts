import type { PayloadStore } from '../runtime/hooks';
import type { ClaimCheckConfig } from './config';
import { createFilePayloadStore } from './file-store';
import { createGcsPayloadStore } from './gcs-store';

/** The store a configuration describes, or undefined for none. */
export function payloadStoreFor(config: ClaimCheckConfig): PayloadStore | undefined {
  switch (config.kind) {
    case 'gcs':
      return createGcsPayloadStore({ bucket: config.bucket, thresholdBytes: config.thresholdBytes });
    case 'file':
      return createFilePayloadStore({ directory: config.directory, thresholdBytes: config.thresholdBytes });
    case 'none':
      return undefined;
  }
}
