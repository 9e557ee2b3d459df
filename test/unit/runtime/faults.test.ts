import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryIdempotencyStore } from '../../../toolkit/core/idempotency/memory-store';
import { parseFaults, withStoreFaults } from '../../../toolkit/core/runtime/faults';

describe('crashAfterPublish', () => {
  const T0 = new Date('2026-01-01T00:00:00Z');
  let markerDir: string;
  beforeEach(() => {
    markerDir = mkdtempSync(join(tmpdir(), 'faults-'));
  });
  afterEach(() => rmSync(markerDir, { recursive: true, force: true }));

  it('crashes once per listed key instead of completing, and completes normally after the restart', async () => {
    // Prepare
    const faults = parseFaults(JSON.stringify({ language: { crashAfterPublish: { keys: ['key:crash-1'], markerDir } } }));
    const memory = new MemoryIdempotencyStore({ windowMillis: 60_000, leaseMillis: () => 40_000 });
    const crashes: string[] = [];
    const store = withStoreFaults(memory, 'language', faults, () => crashes.push('crash'));
    // Act: the first completion of the key crashes (here the fake crash returns); the restarted process, which
    // completes the redelivery of that key, does not crash again.
    const first = await store.claim('language', 'key:crash-1', T0);
    const crashedBefore = crashes.length;
    if (first.state === 'acquired') await store.complete('language', 'key:crash-1', first.token, T0);
    const restarted = withStoreFaults(memory, 'language', faults, () => crashes.push('crash'));
    await restarted.complete('language', 'key:crash-1', 'redelivery-token', T0);
    const other = await restarted.claim('language', 'key:other', T0);
    if (other.state === 'acquired') await restarted.complete('language', 'key:other', other.token, T0);
    // Assess
    expect(crashedBefore).toBe(0);
    expect(crashes).toEqual(['crash']);
    expect(memory.record('language', 'key:other')?.state).toBe('completed');
  });

  it('leaves other stages and a missing fault untouched, and refuses an empty key list', () => {
    const memory = new MemoryIdempotencyStore({ windowMillis: 60_000, leaseMillis: () => 40_000 });
    const faults = parseFaults(JSON.stringify({ language: { crashAfterPublish: { keys: ['key:x'], markerDir } } }));
    expect(withStoreFaults(memory, 'nlp', faults)).toBe(memory);
    expect(withStoreFaults(memory, 'language', undefined)).toBe(memory);
    expect(() => parseFaults(JSON.stringify({ language: { crashAfterPublish: { keys: [], markerDir } } }))).toThrow(/crashAfterPublish.keys must name at least one claim key/);
  });
});
