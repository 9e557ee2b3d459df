import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GcsClient, GcsLocation } from '../../../functions/models/cloud-storage';
import { resolveModelFile } from '../../../functions/models/model-file';

/** A fake Cloud Storage with one object whose generation can change. */
function fakeGcs(contents: Buffer): GcsClient & { downloads: number; generation: string } {
  const fake = {
    downloads: 0,
    generation: '1',
    async stat(_location: GcsLocation) {
      return { size: contents.length, generation: fake.generation };
    },
    async read() {
      return contents;
    },
    async download(_location: GcsLocation, path: string) {
      fake.downloads += 1;
      await writeFile(path, contents);
    },
  };
  return fake;
}

describe('resolveModelFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'model-file-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses a local path or file:// URL as it is', async () => {
    // Prepare
    const path = join(dir, 'model.onnx');
    await writeFile(path, 'weights');

    // Act
    const plain = await resolveModelFile(path);
    const url = await resolveModelFile(pathToFileURL(path).href);

    // Assess
    expect(plain).toEqual({ path, downloaded: false });
    expect(url).toEqual({ path, downloaded: false });
  });

  it('downloads a gs:// model once into the cache and reuses it', async () => {
    // Prepare
    const gcs = fakeGcs(Buffer.from('onnx weights'));
    const cacheDir = join(dir, 'cache');

    // Act
    const first = await resolveModelFile('gs://models-bucket/cls/model.onnx', { gcs, cacheDir });
    const second = await resolveModelFile('gs://models-bucket/cls/model.onnx', { gcs, cacheDir });

    // Assess
    expect(first.downloaded).toBe(true);
    expect(second).toEqual({ path: first.path, downloaded: false });
    expect(first.path.startsWith(cacheDir)).toBe(true);
    expect(first.path.endsWith('-model.onnx')).toBe(true);
    expect(gcs.downloads).toBe(1);
    await expect(readFile(first.path, 'utf8')).resolves.toBe('onnx weights');
  });

  it('downloads again when the object was overwritten (new generation)', async () => {
    // Prepare
    const gcs = fakeGcs(Buffer.from('v1'));
    const cacheDir = join(dir, 'cache');
    const first = await resolveModelFile('gs://models-bucket/model.onnx', { gcs, cacheDir });

    // Act
    gcs.generation = '2';
    const second = await resolveModelFile('gs://models-bucket/model.onnx', { gcs, cacheDir });

    // Assess
    expect(second.downloaded).toBe(true);
    expect(second.path).not.toBe(first.path);
    expect(gcs.downloads).toBe(2);
  });

  it.each([
    ['a missing file', () => resolveModelFile('/no/such/model.onnx'), 'model /no/such/model.onnx: no such file (/no/such/model.onnx)'],
    ['gs:// without a client', () => resolveModelFile('gs://b/model.onnx'), 'a Cloud Storage client is needed'],
    ['a malformed gs:// URI', () => resolveModelFile('gs://', { gcs: fakeGcs(Buffer.alloc(0)) }), 'expected gs://<bucket>/<object>'],
  ])('refuses %s with a message naming it', async (_name, act, message) => {
    await expect(act()).rejects.toThrow(message);
  });
});
