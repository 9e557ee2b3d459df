import { resolve } from 'node:path';
import { CLAIM_CHECK_DEFAULTS, createPayloadStore, localClaimCheckEnv, parseClaimCheckConfig } from '../../../toolkit/core/claim-check';

describe('parseClaimCheckConfig', () => {
  it.each([
    ['nothing set', {}, { kind: 'none' }],
    ['empty values', { CLAIM_CHECK_BUCKET: '', CLAIM_CHECK_DIR: '  ' }, { kind: 'none' }],
    ['a bucket', { CLAIM_CHECK_BUCKET: 'my-claims' }, { kind: 'gcs', bucket: 'my-claims', thresholdBytes: 512 * 1024 }],
    ['a directory', { CLAIM_CHECK_DIR: '/var/claims' }, { kind: 'file', directory: '/var/claims', thresholdBytes: 512 * 1024 }],
    ['a relative directory', { CLAIM_CHECK_DIR: 'claims' }, { kind: 'file', directory: resolve('claims'), thresholdBytes: 512 * 1024 }],
    ['a threshold', { CLAIM_CHECK_BUCKET: 'my-claims', CLAIM_CHECK_THRESHOLD_BYTES: '1024' }, { kind: 'gcs', bucket: 'my-claims', thresholdBytes: 1024 }],
    ['a zero threshold', { CLAIM_CHECK_DIR: '/c', CLAIM_CHECK_THRESHOLD_BYTES: '0' }, { kind: 'file', directory: '/c', thresholdBytes: 0 }],
  ])('reads %s', (_what, env, expected) => {
    expect(parseClaimCheckConfig(env)).toEqual(expected);
  });

  it.each([
    ['both locations', { CLAIM_CHECK_BUCKET: 'b-claims', CLAIM_CHECK_DIR: '/c' }, /both CLAIM_CHECK_BUCKET and CLAIM_CHECK_DIR are set; set one/],
    ['a gs:// URI as bucket', { CLAIM_CHECK_BUCKET: 'gs://b-claims' }, /CLAIM_CHECK_BUCKET must be a Cloud Storage bucket name .* without gs:\/\//],
    ['an upper-case bucket', { CLAIM_CHECK_BUCKET: 'Claims' }, /CLAIM_CHECK_BUCKET must be a Cloud Storage bucket name/],
    ['a threshold that is not a number', { CLAIM_CHECK_DIR: '/c', CLAIM_CHECK_THRESHOLD_BYTES: '512k' }, /CLAIM_CHECK_THRESHOLD_BYTES must be a whole number of bytes/],
    ['a threshold above 9 MiB', { CLAIM_CHECK_DIR: '/c', CLAIM_CHECK_THRESHOLD_BYTES: String(10 * 1024 * 1024) }, /CLAIM_CHECK_THRESHOLD_BYTES must be at most 9437184/],
  ])('refuses %s, naming the variable', (_what, env, message) => {
    expect(() => parseClaimCheckConfig(env)).toThrow(message);
  });
});

describe('createPayloadStore and the local default', () => {
  it('makes no store without configuration, and one with the configured threshold otherwise', () => {
    expect(createPayloadStore({})).toBeUndefined();
    expect(createPayloadStore({ CLAIM_CHECK_DIR: '/tmp/x', CLAIM_CHECK_THRESHOLD_BYTES: '10' })?.thresholdBytes).toBe(10);
    expect(createPayloadStore({ CLAIM_CHECK_BUCKET: 'my-claims' })?.thresholdBytes).toBe(CLAIM_CHECK_DEFAULTS.thresholdBytes);
  });

  it('gives npm start .local/claim-check unless a location is configured', () => {
    expect(localClaimCheckEnv({})).toEqual({ CLAIM_CHECK_DIR: CLAIM_CHECK_DEFAULTS.localDirectory });
    expect(CLAIM_CHECK_DEFAULTS.localDirectory).toMatch(/[/\\]\.local[/\\]claim-check$/);
    expect(localClaimCheckEnv({ CLAIM_CHECK_BUCKET: 'my-claims' })).toEqual({});
    expect(localClaimCheckEnv({ CLAIM_CHECK_DIR: '/elsewhere' })).toEqual({});
  });
});
