import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ClaimCheckContentError, ClaimCheckNotFoundError, InvalidClaimCheckError } from '../../../toolkit/core/claim-check/errors';
import { createFilePayloadStore } from '../../../toolkit/core/claim-check/file-store';
import { sha256Hex } from '../../../toolkit/core/claim-check/reference';
import { PermanentError } from '../../../toolkit/core/runtime/errors';
import type { PayloadStore } from '../../../toolkit/core/runtime/hooks';

const hint = { stage: 'test', correlationId: 'c-1' };

describe('file claim-check store', () => {
  let root: string;
  let directory: string;
  let store: PayloadStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'claim-check-unit-'));
    directory = join(root, 'claims');
    store = createFilePayloadStore({ directory, thresholdBytes: 100, maxPayloadBytes: 1024 });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores a payload under its content hash and reads it back', async () => {
    // Prepare
    const payload = Buffer.from('a payload too large for a message');
    // Act
    const reference = await store.put(payload, hint);
    const read = await store.get(reference);
    // Assess
    expect(reference).toBe(pathToFileURL(join(directory, 'sha256', sha256Hex(payload))).href);
    expect(read.equals(payload)).toBe(true);
    expect(store.thresholdBytes).toBe(100);
  });

  it('writes the same payload once, and leaves no partial files behind', async () => {
    const payload = Buffer.from('same');
    const [a, b] = await Promise.all([store.put(payload, hint), store.put(payload, hint)]);
    await store.put(payload, hint);
    expect(a).toBe(b);
    expect(await readdir(join(directory, 'sha256'))).toEqual([sha256Hex(payload)]);
  });

  it.each([
    ['a missing payload', (dir: string) => pathToFileURL(join(dir, 'sha256', '0'.repeat(64))).href, ClaimCheckNotFoundError, /does not exist/],
    ['a path outside the directory', () => 'file:///etc/hostname', InvalidClaimCheckError, /points outside the claim-check directory/],
    ['a path that climbs out with ..', (dir: string) => `${pathToFileURL(dir).href}/../outside`, InvalidClaimCheckError, /points outside/],
    ['a Cloud Storage reference', () => 'gs://bucket/claim-check/sha256/x', InvalidClaimCheckError, /is a gs:\/\/ reference/],
    ['a malformed reference', () => 'not a reference', InvalidClaimCheckError, /no scheme/],
  ])('refuses %s with a permanent error', async (_what, reference, type, message) => {
    await store.put(Buffer.from('make the directory exist'), hint);
    const failure = store.get(reference(directory));
    await expect(failure).rejects.toBeInstanceOf(type);
    await expect(failure).rejects.toBeInstanceOf(PermanentError);
    await expect(failure).rejects.toThrow(message);
  });

  it('refuses a link inside the directory that leads outside it', async () => {
    // Prepare
    const secret = join(root, 'secret.txt');
    await writeFile(secret, 'not for stages');
    await store.put(Buffer.from('make the directory exist'), hint);
    await symlink(secret, join(directory, 'sha256', 'link'));
    // Act / Assess
    await expect(store.get(pathToFileURL(join(directory, 'sha256', 'link')).href)).rejects.toThrow(/leads outside the claim-check directory/);
  });

  it('refuses content that does not match the hash in its name', async () => {
    const reference = await store.put(Buffer.from('original'), hint);
    await writeFile(new URL(reference), 'tampered');
    await expect(store.get(reference)).rejects.toBeInstanceOf(ClaimCheckContentError);
  });

  it('refuses a payload larger than a stage may load', async () => {
    const reference = await store.put(Buffer.alloc(2048, 7), hint);
    await expect(store.get(reference)).rejects.toThrow(/2048 bytes; a stage loads at most 1024/);
  });
});
