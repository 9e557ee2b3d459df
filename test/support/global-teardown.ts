/** Stops what global-setup.ts started. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__PUBSUB_EMULATOR__?.stop();
  globalThis.__PUBSUB_EMULATOR__ = undefined;
}
