/** Per-stage deduplication records: the `IdempotencyStore` implementations and their configuration. */
import { Firestore } from '@google-cloud/firestore';
import { noIdempotency, type IdempotencyStore } from '../runtime/hooks';
import type { IdempotencyConfig } from './config';
import { FirestoreIdempotencyStore } from './firestore-store';
import { MemoryIdempotencyStore } from './memory-store';

export * from './config';
export * from './defaults';
export * from './document-id';
export * from './errors';
export * from './firestore-store';
export * from './lease';
export * from './memory-store';
export * from './record';

/** A Firestore client for the configured database, on the emulator when one is configured. */
export function createFirestoreClient(config: Pick<IdempotencyConfig, 'database' | 'emulatorHost'>, project: string): Firestore {
  return new Firestore({
    projectId: project,
    databaseId: config.database,
    // The client also reads FIRESTORE_EMULATOR_HOST itself; passing the parsed value keeps one source of truth
    // (ssl: false is what makes the client send the emulator's owner credentials).
    ...(config.emulatorHost ? { host: config.emulatorHost, ssl: false } : {}),
  });
}

/** Builds the configured store: Firestore (or its emulator), memory, or none. */
export function createIdempotencyStore(config: IdempotencyConfig, context: { project: string; leaseMillis: (stage: string) => number }): IdempotencyStore {
  const timing = { windowMillis: config.windowSeconds * 1000, leaseMillis: context.leaseMillis };
  switch (config.store) {
    case 'firestore':
      return new FirestoreIdempotencyStore(createFirestoreClient(config, context.project), { ...timing, collection: config.collection });
    case 'memory':
      return new MemoryIdempotencyStore(timing);
    case 'none':
      return noIdempotency;
  }
}
