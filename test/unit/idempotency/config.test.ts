import { parseIdempotencyConfig } from '../../../toolkit/core/idempotency/config';
import { recordDocumentId } from '../../../toolkit/core/idempotency/document-id';

describe('parseIdempotencyConfig', () => {
  it('defaults to memory on a machine with no Firestore emulator, with a 10 minute window', () => {
    expect(parseIdempotencyConfig({})).toEqual({ store: 'memory', windowSeconds: 600, collection: 'idempotency', database: '(default)' });
  });

  it.each([
    ['a Firestore emulator is configured', { FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080' }],
    ['running on Cloud Functions', { K_SERVICE: 'dev-ai-inference-language' }],
  ])('defaults to firestore when %s', (_, env) => {
    expect(parseIdempotencyConfig(env).store).toBe('firestore');
  });

  it('passes the emulator address to the client', () => {
    expect(parseIdempotencyConfig({ FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080' }).emulatorHost).toBe('127.0.0.1:8080');
  });

  it('reads every setting, and treats empty values as unset', () => {
    expect(
      parseIdempotencyConfig({ IDEMPOTENCY_STORE: 'none', IDEMPOTENCY_WINDOW_SECONDS: '90', IDEMPOTENCY_COLLECTION: 'dedup', IDEMPOTENCY_DATABASE: 'dev-ai-inference-idem' }),
    ).toEqual({ store: 'none', windowSeconds: 90, collection: 'dedup', database: 'dev-ai-inference-idem' });
    expect(parseIdempotencyConfig({ IDEMPOTENCY_STORE: '', IDEMPOTENCY_WINDOW_SECONDS: '', IDEMPOTENCY_COLLECTION: '' })).toMatchObject({
      store: 'memory',
      windowSeconds: 600,
      collection: 'idempotency',
    });
  });

  it('refuses the in-memory store on Cloud Functions, where instances scale out', () => {
    expect(() => parseIdempotencyConfig({ K_SERVICE: 'fn', IDEMPOTENCY_STORE: 'memory' })).toThrow(/IDEMPOTENCY_STORE=memory on Cloud Functions .* use firestore/);
  });

  it.each([
    [{ IDEMPOTENCY_STORE: 'redis' }, /IDEMPOTENCY_STORE must be one of firestore, memory, none/],
    [{ IDEMPOTENCY_WINDOW_SECONDS: 'ten' }, /IDEMPOTENCY_WINDOW_SECONDS must be a number of seconds/],
    [{ IDEMPOTENCY_WINDOW_SECONDS: '0' }, /IDEMPOTENCY_WINDOW_SECONDS must be at least 1/],
    [{ IDEMPOTENCY_WINDOW_SECONDS: '1.5' }, /whole number/],
    [{ IDEMPOTENCY_COLLECTION: 'a/b' }, /IDEMPOTENCY_COLLECTION must be a Firestore collection id/],
    [{ IDEMPOTENCY_COLLECTION: '__name__' }, /IDEMPOTENCY_COLLECTION/],
    [{ IDEMPOTENCY_DATABASE: 'Prod_DB' }, /IDEMPOTENCY_DATABASE must be "\(default\)" or a Firestore database id/],
    [{ FIRESTORE_EMULATOR_HOST: 'localhost' }, /FIRESTORE_EMULATOR_HOST must be host:port/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => parseIdempotencyConfig(env)).toThrow(message);
  });
});

describe('recordDocumentId', () => {
  it('is a valid Firestore document id whatever the key holds, and tells stages and keys apart', () => {
    const id = recordDocumentId('language', 'key:a/b/__x__');
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(recordDocumentId('language', 'key:a/b/__x__')).toBe(id);
    expect(recordDocumentId('nlp', 'key:a/b/__x__')).not.toBe(id);
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    expect(recordDocumentId('ab', 'c')).not.toBe(recordDocumentId('a', 'bc'));
  });
});
