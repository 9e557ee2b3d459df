/**
 * The Cloud Storage claim-check store on the real `@google-cloud/storage` client, against a local stand-in for
 * the Cloud Storage JSON API found through STORAGE_EMULATOR_HOST (test/support/fake-gcs-server.ts: there is no
 * official emulator). What runs for real: the client's uploads, downloads, preconditions, retries and checksums.
 */
import { randomBytes } from 'node:crypto';
import { Storage } from '@google-cloud/storage';
import { ClaimCheckContentError, ClaimCheckNotFoundError, ClaimCheckUnavailableError, InvalidClaimCheckError } from '../../../toolkit/core/claim-check/errors';
import { createGcsPayloadStore } from '../../../toolkit/core/claim-check/gcs-store';
import { sha256Hex } from '../../../toolkit/core/claim-check/reference';
import { PermanentError, RetryableError } from '../../../toolkit/core/runtime/errors';
import type { PayloadStore } from '../../../toolkit/core/runtime/hooks';
import { startFakeGcsServer, type FakeGcsServer } from '../../support/fake-gcs-server';

jest.setTimeout(60_000);

const BUCKET = 'test-claims';
const hint = { stage: 'test', correlationId: 'c-1' };

describe('GCS claim-check store (real client, local JSON API)', () => {
  let fake: FakeGcsServer;
  let store: PayloadStore;
  const previousHost = process.env.STORAGE_EMULATOR_HOST;

  beforeAll(async () => {
    fake = await startFakeGcsServer();
    fake.createBucket(BUCKET);
    process.env.STORAGE_EMULATOR_HOST = fake.url;
    store = createGcsPayloadStore({ bucket: BUCKET, thresholdBytes: 1024 });
  });

  afterAll(async () => {
    if (previousHost === undefined) delete process.env.STORAGE_EMULATOR_HOST;
    else process.env.STORAGE_EMULATOR_HOST = previousHost;
    await fake.close();
  });

  it('stores a 3 MB payload under its content hash and reads it back', async () => {
    // Prepare
    const payload = randomBytes(3 * 1024 * 1024);
    // Act
    const reference = await store.put(payload, hint);
    const read = await store.get(reference);
    // Assess
    expect(reference).toBe(`gs://${BUCKET}/claim-check/sha256/${sha256Hex(payload)}`);
    expect(read.equals(payload)).toBe(true);
    const upload = fake.requests.find((r) => r.method === 'POST' && r.path.startsWith('/upload/'));
    expect(upload?.query).toMatchObject({ uploadType: 'multipart', ifGenerationMatch: '0' });
  });

  it('does not store the same payload twice (a retry or a duplicate adds no object)', async () => {
    // Prepare
    const payload = Buffer.from('the same bytes, twice');
    const before = fake.objects.size;
    // Act
    const first = await store.put(payload, hint);
    const second = await store.put(payload, hint);
    // Assess
    expect(second).toBe(first);
    expect(fake.objects.size).toBe(before + 1);
    expect(fake.requests.filter((r) => r.status === 412)).toHaveLength(1);
  });

  it('retries a transient failure inside the client', async () => {
    const reference = await store.put(Buffer.from('flaky storage'), hint);
    fake.failNext(1, 503);
    await expect(store.get(reference)).resolves.toEqual(Buffer.from('flaky storage'));
  });

  it.each([
    ['an object that does not exist', () => `gs://${BUCKET}/claim-check/sha256/${'0'.repeat(64)}`, ClaimCheckNotFoundError, /does not exist/],
    ['another bucket', () => `gs://other-bucket/claim-check/sha256/${'0'.repeat(64)}`, InvalidClaimCheckError, /bucket "other-bucket"/],
    ['a file reference', () => 'file:///etc/passwd', InvalidClaimCheckError, /is a file:\/\/ reference/],
    ['a malformed reference', () => 'gs://', InvalidClaimCheckError, /expected gs:\/\/<bucket>\/<object>/],
    ['an http URL', () => 'https://example.com/x', InvalidClaimCheckError, /scheme "https:"/],
  ])('refuses %s with a permanent error', async (_what, reference, type, message) => {
    const failure = store.get(reference());
    await expect(failure).rejects.toBeInstanceOf(type);
    await expect(failure).rejects.toBeInstanceOf(PermanentError);
    await expect(failure).rejects.toThrow(message);
  });

  it('refuses content that does not match the hash in its name', async () => {
    // Prepare: overwrite the stored bytes behind the client's back.
    const reference = await store.put(Buffer.from('original'), hint);
    const key = `${BUCKET}/${reference.slice(`gs://${BUCKET}/`.length)}`;
    const stored = fake.objects.get(key);
    fake.objects.set(key, { ...stored!, data: Buffer.from('tampered') });
    // Act / Assess
    await expect(store.get(reference)).rejects.toBeInstanceOf(ClaimCheckContentError);
  });

  it.each([
    [503, 'server error'],
    [429, 'throttling'],
    [403, 'missing permission (fixable by an operator while Pub/Sub retries)'],
  ])('maps HTTP %s (%s) to a retryable error', async (status) => {
    // Prepare: a client that does not retry by itself, so the mapping is what is tested.
    const noRetry = createGcsPayloadStore({ bucket: BUCKET, thresholdBytes: 1024, storage: new Storage({ apiEndpoint: fake.url, retryOptions: { autoRetry: false } }) });
    const reference = await store.put(Buffer.from(`status ${status}`), hint);
    fake.failNext(1, status);
    // Act
    const failure = noRetry.get(reference);
    // Assess
    await expect(failure).rejects.toBeInstanceOf(ClaimCheckUnavailableError);
    await expect(failure).rejects.toBeInstanceOf(RetryableError);
    await expect(failure).rejects.toThrow(`HTTP ${status}`);
  });

  it('maps an unreachable store to a retryable error', async () => {
    const unreachable = createGcsPayloadStore({ bucket: BUCKET, thresholdBytes: 1024, storage: new Storage({ apiEndpoint: 'http://127.0.0.1:9', retryOptions: { autoRetry: false } }) });
    await expect(unreachable.put(Buffer.from('x'), hint)).rejects.toBeInstanceOf(ClaimCheckUnavailableError);
  });

  it('refuses a payload larger than a stage may load, before downloading it', async () => {
    const small = createGcsPayloadStore({ bucket: BUCKET, thresholdBytes: 16, maxPayloadBytes: 16 });
    const reference = await small.put(Buffer.alloc(17, 1), hint);
    const downloads = fake.requests.filter((r) => r.query['alt'] === 'media').length;
    await expect(small.get(reference)).rejects.toThrow(/17 bytes; a stage loads at most 16/);
    expect(fake.requests.filter((r) => r.query['alt'] === 'media')).toHaveLength(downloads);
  });
});
