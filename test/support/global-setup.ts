/**
 * Starts the official Pub/Sub and Firestore emulators once for the whole test run, in parallel, on free ports,
 * and exports their addresses to the test files through PUBSUB_EMULATOR_HOST and FIRESTORE_EMULATOR_HOST.
 * Stopped (Java processes included) by global-teardown.ts.
 * Set TEST_PUBSUB_EMULATOR_HOST or TEST_FIRESTORE_EMULATOR_HOST to use an emulator that is already running instead.
 * A run of only unit and infra tests (`npm run test:unit`, `npm run test:infra`) starts none.
 */
import { startFirestoreEmulator } from '../../toolkit/local/firestore-emulator';
import { startPubSubEmulator, type EmulatorHandle } from '../../toolkit/local/pubsub-emulator';

declare global {
  // eslint-disable-next-line no-var
  var __PUBSUB_EMULATOR__: EmulatorHandle | undefined;
  // eslint-disable-next-line no-var
  var __FIRESTORE_EMULATOR__: EmulatorHandle | undefined;
}

/** Test kinds that need no emulator (`npm run test:unit` must run without Java). */
const WITHOUT_EMULATORS = ['unit', 'infra'];

export default async function globalSetup(globalConfig: { readonly selectProjects?: readonly string[] }): Promise<void> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const selected = globalConfig.selectProjects;
  if (selected && selected.length > 0 && selected.every((project) => WITHOUT_EMULATORS.includes(project))) return;
  const [pubsub, firestore] = await Promise.allSettled([
    startPubSubEmulator({ hostPort: process.env.TEST_PUBSUB_EMULATOR_HOST, javaOptions: '-Xmx512m' }),
    startFirestoreEmulator({ hostPort: process.env.TEST_FIRESTORE_EMULATOR_HOST, javaOptions: '-Xmx512m' }),
  ]);
  if (pubsub.status === 'rejected' || firestore.status === 'rejected') {
    // Stop whichever did start, so a failed set-up leaves no Java process behind.
    await Promise.all([pubsub, firestore].map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
    throw pubsub.status === 'rejected' ? pubsub.reason : (firestore as PromiseRejectedResult).reason;
  }
  globalThis.__PUBSUB_EMULATOR__ = pubsub.value;
  globalThis.__FIRESTORE_EMULATOR__ = firestore.value;
  process.env.PUBSUB_EMULATOR_HOST = pubsub.value.hostPort;
  process.env.FIRESTORE_EMULATOR_HOST = firestore.value.hostPort;
}
