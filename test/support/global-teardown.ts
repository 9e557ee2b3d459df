/** Stops what global-setup.ts started. */
export default async function globalTeardown(): Promise<void> {
  await Promise.all([globalThis.__PUBSUB_EMULATOR__?.stop(), globalThis.__FIRESTORE_EMULATOR__?.stop()]);
  globalThis.__PUBSUB_EMULATOR__ = undefined;
  globalThis.__FIRESTORE_EMULATOR__ = undefined;
}
