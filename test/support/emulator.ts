import { randomBytes } from 'node:crypto';
import { PubSub } from '@google-cloud/pubsub';

/** The emulator started by global-setup.ts. */
export function emulatorHost(): string {
  const host = process.env.PUBSUB_EMULATOR_HOST;
  if (!host) throw new Error('PUBSUB_EMULATOR_HOST is not set: run the tests through jest (global-setup starts the emulator)');
  return host;
}

/** A fresh project id, so tests sharing the one emulator never see each other's topics. */
export function uniqueProject(label: string): string {
  return `t-${label}-${randomBytes(3).toString('hex')}`.slice(0, 30);
}

/** A client bound to the test emulator. */
export function emulatorClient(project: string): PubSub {
  return new PubSub({ projectId: project, apiEndpoint: emulatorHost(), emulatorMode: true });
}
