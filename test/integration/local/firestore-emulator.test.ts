/**
 * The Firestore emulator launcher against the real emulator: start, reuse, tell it apart from the Pub/Sub
 * emulator, and stop it with its JVM.
 */
import { existsSync } from 'node:fs';
import { findFirestoreEmulator, isFirestoreEmulatorAnswering, startFirestoreEmulator } from '../../../toolkit/local/firestore-emulator';
import { EmulatorNotInstalledError } from '../../../toolkit/local/pubsub-emulator';
import { emulatorHost } from '../../support/emulator';
import { firestoreEmulatorHost } from '../../support/firestore';

jest.setTimeout(60_000);

/** Whether any process of the group led by `pid` is still alive. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits up to `millis` for the group to be gone: a killed JVM exists until its new parent reaps it. */
async function groupGone(pid: number, millis = 5_000): Promise<boolean> {
  const deadline = Date.now() + millis;
  while (groupAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

describe('startFirestoreEmulator', () => {
  it('starts the official emulator on a free port and stops it, JVM included', async () => {
    // Act
    const emulator = await startFirestoreEmulator({ javaOptions: '-Xmx256m' });
    const answering = await isFirestoreEmulatorAnswering(emulator.hostPort);
    const pid = emulator.process?.pid ?? 0;
    await emulator.stop();
    // Assess
    expect(emulator.started).toBe(true);
    expect(answering).toBe(true);
    expect(emulator.process?.output()).toContain('JAVA_TOOL_OPTIONS: -Xmx256m');
    expect(pid).toBeGreaterThan(0);
    expect(await groupGone(pid)).toBe(true);
    expect(await isFirestoreEmulatorAnswering(emulator.hostPort)).toBe(false);
  });

  it('reuses an emulator already answering at the address, and leaves it running on stop', async () => {
    const reused = await startFirestoreEmulator({ hostPort: firestoreEmulatorHost() });
    await reused.stop();
    expect(reused.started).toBe(false);
    expect(await isFirestoreEmulatorAnswering(firestoreEmulatorHost())).toBe(true);
  });

  it('does not take the Pub/Sub emulator (whose root also answers "Ok") for a Firestore emulator', async () => {
    expect(await isFirestoreEmulatorAnswering(emulatorHost())).toBe(false);
  });

  it('says how to install the emulator when the configured launch script is missing', () => {
    const missing = '/nonexistent/cloud_firestore_emulator';
    expect(existsSync(missing)).toBe(false);
    expect(() => findFirestoreEmulator(missing)).toThrow(EmulatorNotInstalledError);
    expect(() => findFirestoreEmulator(missing)).toThrow(/gcloud components install cloud-firestore-emulator/);
  });
});
