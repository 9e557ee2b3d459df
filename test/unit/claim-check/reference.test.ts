import { resolve } from 'node:path';
import { InvalidClaimCheckError } from '../../../toolkit/core/claim-check/errors';
import { contentName, fileReference, isInside, parseReference, promisedHash, sha256Hex } from '../../../toolkit/core/claim-check/reference';

describe('claim-check references', () => {
  it.each([
    ['gs://claims-bucket/claim-check/sha256/abc', { scheme: 'gs', bucket: 'claims-bucket', object: 'claim-check/sha256/abc' }],
    ['gs://b.with.dots/a/b/c.bin', { scheme: 'gs', bucket: 'b.with.dots', object: 'a/b/c.bin' }],
    ['file:///tmp/claims/sha256/abc', { scheme: 'file', path: '/tmp/claims/sha256/abc' }],
    ['file:///tmp/with%20space/x', { scheme: 'file', path: '/tmp/with space/x' }],
  ])('parses %s', (reference, expected) => {
    expect(parseReference(reference)).toEqual(expected);
  });

  it.each([
    ['gs://', /expected gs:\/\/<bucket>\/<object>/],
    ['gs://bucket', /expected gs:\/\/<bucket>\/<object>/],
    ['gs://Bad_Bucket!/x', /expected gs:\/\/<bucket>\/<object>/],
    ['file://remote-host/x', /not a valid file URL/],
    ['s3://bucket/key', /the scheme "s3:"/],
    ['https://storage.googleapis.com/b/o', /the scheme "https:"/],
    ['claim-check/sha256/abc', /no scheme/],
    ['', /no scheme/],
  ])('refuses %j with a permanent error that says what a reference looks like', (reference, message) => {
    expect(() => parseReference(reference)).toThrow(InvalidClaimCheckError);
    expect(() => parseReference(reference)).toThrow(message);
  });

  it('names content by its SHA-256 and reads the promise back', () => {
    const data = Buffer.from('payload');
    const hex = sha256Hex(data);
    expect(hex).toBe('239f59ed55e737c77147cf55ad0c1b030b6d7ee748a7426952f9b852d5a935e5');
    expect(contentName(data)).toBe(`sha256/${hex}`);
    expect(promisedHash(`claim-check/sha256/${hex}`)).toBe(hex);
    expect(promisedHash('uploads/report.pdf')).toBeUndefined();
  });

  it('makes file references that parse back to the same path', () => {
    const reference = fileReference('/tmp/claims dir/sha256/x');
    expect(reference).toBe('file:///tmp/claims%20dir/sha256/x');
    expect(parseReference(reference)).toEqual({ scheme: 'file', path: '/tmp/claims dir/sha256/x' });
  });

  it.each([
    ['/a/b', '/a/b/c', true],
    ['/a/b', '/a/b', false],
    ['/a/b', '/a/bc', false],
    ['/a/b', '/a/b/../c', false],
    ['/a/b', '/a', false],
  ])('isInside(%s, %s) is %s', (root, path, expected) => {
    expect(isInside(root, resolve(path))).toBe(expected);
  });
});
