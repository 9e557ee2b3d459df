/**
 * Starts the official Pub/Sub emulator once for the whole test run, on a free port, and exports its address to
 * the test files through PUBSUB_EMULATOR_HOST. Stopped (Java process included) by global-teardown.ts.
 * Set TEST_PUBSUB_EMULATOR_HOST to use an emulator that is already running instead.
 */
import { startPubSubEmulator, type EmulatorHandle } from '../../functions/local/pubsub-emulator';

declare global {
  // eslint-disable-next-line no-var
  var __PUBSUB_EMULATOR__: EmulatorHandle | undefined;
}

export default async function globalSetup(): Promise<void> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const emulator = await startPubSubEmulator({ hostPort: process.env.TEST_PUBSUB_EMULATOR_HOST, javaOptions: '-Xmx512m' });
  globalThis.__PUBSUB_EMULATOR__ = emulator;
  process.env.PUBSUB_EMULATOR_HOST = emulator.hostPort;
}
