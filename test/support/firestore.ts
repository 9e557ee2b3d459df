import type { Firestore } from '@google-cloud/firestore';
import { createFirestoreClient } from '../../toolkit/core/idempotency';

/** The Firestore emulator started by global-setup.ts. */
export function firestoreEmulatorHost(): string {
  const host = process.env.FIRESTORE_EMULATOR_HOST;
  if (!host) throw new Error('FIRESTORE_EMULATOR_HOST is not set: run the tests through jest (global-setup starts the Firestore emulator)');
  return host;
}

/** A Firestore client bound to the test emulator; use a `uniqueProject` so tests never see each other's records. */
export function firestoreClient(project: string, database = '(default)'): Firestore {
  return createFirestoreClient({ database, emulatorHost: firestoreEmulatorHost() }, project);
}
