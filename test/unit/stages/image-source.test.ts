import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidInputError, UnsupportedContentError } from '../../../toolkit/core/runtime/errors';
import { imageRequestSchema } from '../../../functions/stages/ocr/image-request';
import { loadImageBytes, parseImageSourceConfig, type ImageSourceConfig } from '../../../functions/stages/ocr/image-source';
import { fakeGcsClient } from './fake-gcs-client';

describe('loadImageBytes', () => {
  let dir: string;
  let root: string;
  let config: ImageSourceConfig;
  const png = Buffer.from('89504e470d0a1a0a', 'hex');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'image-source-'));
    root = join(dir, 'allowed');
    await mkdir(root);
    await writeFile(join(root, 'scan.png'), png);
    await writeFile(join(dir, 'secret.png'), png);
    await symlink(join(dir, 'secret.png'), join(root, 'link.png'));
    config = { fileRoot: root, maxBytes: 64, maxPixels: 1000 };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['plain base64', png.toString('base64')],
    ['a data URL', `data:image/png;base64,${png.toString('base64')}`],
    ['base64 with line breaks', png.toString('base64').replace(/(.{4})/g, '$1\n')],
  ])('decodes inline %s', async (_name, data) => {
    await expect(loadImageBytes({ data }, { config, gcs: fakeGcsClient() })).resolves.toEqual(png);
  });

  it('reads a gs:// object', async () => {
    // Prepare
    const gcs = fakeGcsClient({ 'scans/a/b.png': png });

    // Act
    const bytes = await loadImageBytes({ uri: 'gs://scans/a/b.png' }, { config, gcs });

    // Assess
    expect(bytes).toEqual(png);
    expect(gcs.reads).toEqual(['scans/a/b.png']);
  });

  it('reads a file:// path inside the allowed directory', async () => {
    await expect(loadImageBytes({ uri: pathToFileURL(join(root, 'scan.png')).href }, { config, gcs: fakeGcsClient() })).resolves.toEqual(png);
  });

  it.each<[string, { uri?: string; data?: string }, typeof InvalidInputError | typeof UnsupportedContentError, string]>([
    ['invalid base64', { data: 'not base64!' }, InvalidInputError, 'image.data is not valid base64'],
    ['inline data over the limit', { data: Buffer.alloc(100).toString('base64') }, UnsupportedContentError, 'image.data holds 100 bytes; expected at most 64'],
    ['a gs:// object over the limit', { uri: 'gs://scans/big.png' }, UnsupportedContentError, 'gs://scans/big.png is 100 bytes; expected at most 64'],
    ['a missing gs:// object', { uri: 'gs://scans/missing.png' }, InvalidInputError, 'gs://scans/missing.png does not exist'],
    ['a path outside the allowed directory', { uri: 'file:///etc/hostname' }, InvalidInputError, 'is outside the allowed directory'],
    ['a symlink leading outside it', { uri: 'LINK' }, InvalidInputError, 'is outside the allowed directory'],
    ['a missing file', { uri: 'MISSING' }, InvalidInputError, 'no such file'],
  ])('refuses %s', async (_name, image, type, message) => {
    // Prepare
    const gcs = fakeGcsClient({ 'scans/big.png': Buffer.alloc(100) });
    const uri = image.uri === 'LINK' ? pathToFileURL(join(root, 'link.png')).href : image.uri === 'MISSING' ? pathToFileURL(join(root, 'nope.png')).href : image.uri;
    const reference = uri !== undefined ? { uri } : { data: image.data as string };

    // Act
    const loading = loadImageBytes(reference, { config, gcs });

    // Assess
    await expect(loading).rejects.toThrow(type);
    await expect(loadImageBytes(reference, { config, gcs })).rejects.toThrow(message);
  });

  it('refuses file:// when no directory is allowed', async () => {
    await expect(loadImageBytes({ uri: pathToFileURL(join(root, 'scan.png')).href }, { config: { ...config, fileRoot: undefined }, gcs: fakeGcsClient() })).rejects.toThrow(
      'file:// images are not allowed here (IMAGE_FILE_ROOT is not set)',
    );
  });
});

describe('imageRequestSchema', () => {
  it.each([
    [{ image: { uri: 'gs://b/o.png' } }, true],
    [{ image: { data: 'iVBORw0KGgo=' }, id: 'x', metadata: { a: 1 } }, true],
    [{ image: {} }, false],
    [{ image: { uri: 'gs://b/o.png', data: 'iVBORw0KGgo=' } }, false],
    [{ image: { uri: 'https://example.com/a.png' } }, false],
    [{ image: { uri: 'gs://b/o.png' }, text: 'both' }, false],
  ])('validates %j → %s', (value, valid) => {
    expect(imageRequestSchema.safeParse(value).success).toBe(valid);
  });
});

describe('parseImageSourceConfig', () => {
  it('defaults to 10 MiB and 25 MP, without file://', () => {
    expect(parseImageSourceConfig({})).toEqual({ fileRoot: undefined, maxBytes: 10 * 1024 * 1024, maxPixels: 25_000_000 });
  });

  it('fails fast on a bad limit, naming the variable', () => {
    expect(() => parseImageSourceConfig({ IMAGE_MAX_BYTES: 'lots' })).toThrow(/IMAGE_MAX_BYTES must be a number of bytes/);
  });
});
