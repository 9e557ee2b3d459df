/**
 * The generic onnx stage with the real PaddleOCR direction classifier in onnxruntime-node, loaded from its package
 * path and from gs:// (served by the fake Cloud Storage download server through STORAGE_EMULATOR_HOST).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGcsClient } from '../../../functions/models/cloud-storage';
import { loadOnnxImageModel } from '../../../functions/models/onnx-model';
import { startSessionThread } from '../../../functions/models/onnx-session-thread';
import { inspectImage } from '../../../functions/models/image-decoder';
import { imageToTensor, type TensorItem } from '../../../functions/models/image-tensor';
import { definition } from '../../../functions/definition';
import { loadOnnxDeps } from '../../../functions/stages/onnx';
import { parseOnnxStageConfig } from '../../../functions/stages/onnx/config';
import { handleOnnx } from '../../../functions/stages/onnx/handler';
import { startFakeGcsDownload, type FakeGcsDownload } from '../../support/fake-gcs-download';
import { fixtureImage, reencoded } from '../../support/images';
import { stageContext } from '../../unit/stages/context';
import { useNodeTypedArrays } from './node-typed-arrays';

useNodeTypedArrays();
jest.setTimeout(60_000);

/** The committed ticket in each format the stage accepts, right way up or turned over. */
const FORMATS = ['png', 'jpeg', 'webp', 'gif'] as const;
const limits = { maxPixels: 25_000_000 };

/** The ticket as `format`, upside down when asked. */
function ticket(format: (typeof FORMATS)[number], upsideDown: boolean): Promise<Buffer> {
  return reencoded(fixtureImage('ticket.png'), format, upsideDown ? 180 : 0);
}

/** An image prepared for the default model, as the stage prepares it. */
async function tensor(bytes: Buffer): Promise<TensorItem> {
  return imageToTensor(bytes, await inspectImage(bytes, limits), parseOnnxStageConfig({}).model, limits);
}

describe('onnx with the real PaddleOCR direction classifier', () => {
  let gcs: FakeGcsDownload;
  let cacheDir: string;
  const savedHost = process.env['STORAGE_EMULATOR_HOST'];

  beforeAll(async () => {
    gcs = await startFakeGcsDownload();
    process.env['STORAGE_EMULATOR_HOST'] = gcs.host;
    cacheDir = await mkdtemp(join(tmpdir(), 'onnx-cache-'));
  });

  afterAll(async () => {
    if (savedHost === undefined) delete process.env['STORAGE_EMULATOR_HOST'];
    else process.env['STORAGE_EMULATOR_HOST'] = savedHost;
    await gcs?.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('loads the model from its package path and outputs one probability pair per image', async () => {
    // Prepare
    const model = await loadOnnxImageModel(parseOnnxStageConfig({}).model);
    const items = await Promise.all(FORMATS.flatMap((format) => [ticket(format, false), ticket(format, true)]).map(async (bytes) => tensor(await bytes)));

    // Act
    const results = await model.classify(items);

    // Assess: [N, 2] softmax output, right way up = "0" (the model is less sure of a block of several lines), upside down = "180".
    expect(results).toHaveLength(items.length);
    results.forEach((result, i) => {
      if (!result.ok) throw result.error;
      expect(Object.keys(result.value.scores)).toEqual(['0', '180']);
      expect(result.value.scores['0']! + result.value.scores['180']!).toBeCloseTo(1, 3);
      expect(result.value.label).toBe(i % 2 === 0 ? '0' : '180');
      expect(result.value.score).toBeGreaterThan(i % 2 === 0 ? 0.6 : 0.9);
    });
  });

  it('downloads the model from gs:// once, caches it under the cache directory and gives the same answers', async () => {
    // Prepare
    const config = parseOnnxStageConfig({});
    const weights = await readFile(config.model.uri);
    gcs.put('models-bucket', 'ppocr/cls.onnx', weights);
    const fromPath = await loadOnnxImageModel(config.model);
    const image = await tensor(await ticket('jpeg', true));

    // Act
    const fromGcs = await loadOnnxImageModel({ ...config.model, uri: 'gs://models-bucket/ppocr/cls.onnx' }, { gcs: createGcsClient(), cacheDir });
    const downloadsAfterFirst = gcs.requests.filter((r) => r.includes('alt=media')).length;
    const again = await loadOnnxImageModel({ ...config.model, uri: 'gs://models-bucket/ppocr/cls.onnx' }, { gcs: createGcsClient(), cacheDir });
    const [a] = await fromPath.classify([image]);
    const [b] = await fromGcs.classify([image]);

    // Assess
    expect(fromGcs.path.startsWith(cacheDir)).toBe(true);
    expect(await readFile(fromGcs.path)).toEqual(weights);
    expect(downloadsAfterFirst).toBe(1);
    expect(gcs.requests.filter((r) => r.includes('alt=media'))).toHaveLength(1);
    expect(again.path).toBe(fromGcs.path);
    expect(b).toEqual(a);
    expect(a).toMatchObject({ ok: true, value: { label: '180' } });
  });

  it('fails to load, naming the URI, when the gs:// model does not exist', async () => {
    const config = parseOnnxStageConfig({}).model;
    await expect(loadOnnxImageModel({ ...config, uri: 'gs://models-bucket/missing.onnx' }, { gcs: createGcsClient(), cacheDir })).rejects.toThrow(
      'gs://models-bucket/missing.onnx does not exist',
    );
  });

  it('refuses a configuration whose input name the model does not have', async () => {
    const config = parseOnnxStageConfig({}).model;
    await expect(loadOnnxImageModel({ ...config, input: { ...config.input, name: 'image' } })).rejects.toThrow('no input named "image" (inputs: x)');
  });

  it('runs the session in a thread that reports a failed run and keeps serving', async () => {
    // Prepare
    const config = parseOnnxStageConfig({}).model;
    const thread = await startSessionThread(config.uri, { intraOpNumThreads: 1 });

    // Act: a tensor of the wrong shape, then a right one.
    const failed = thread.run('x', { type: 'float32', data: new Float32Array(10), dims: [1, 10] }, config.output.name);
    await expect(failed).rejects.toThrow(/dimensions|rank|shape|Got invalid/i);
    const output = await thread.run('x', { type: 'float32', data: new Float32Array(2 * 3 * 48 * 192), dims: [2, 3, 48, 192] }, config.output.name);
    await thread.close();

    // Assess
    expect(output.dims).toEqual([2, 2]);
    expect(output.data).toHaveLength(4);
  });

  it("shares session runs: 16 concurrent requests through the stage share runs of at most the definition's batch size", async () => {
    // Prepare: the stage's own dependencies, with the model from gs:// as a deployment with ONNX_MODEL_URI has it.
    gcs.put('models-bucket', 'cls.onnx', await readFile(parseOnnxStageConfig({}).model.uri));
    const deps = await loadOnnxDeps({ ONNX_MODEL_URI: 'gs://models-bucket/cls.onnx' }, { cacheDir }, definition.stages.onnx.batching);
    const inputs = await Promise.all(Array.from({ length: 16 }, async (_, i) => ({ image: { data: (await ticket(FORMATS[i % 4]!, i % 2 === 1)).toString('base64') } })));

    // Act
    const outputs = await Promise.all(inputs.map((input) => handleOnnx(input, stageContext(deps))));

    // Assess
    // Each request decodes its image first (on the thread pool), so they reach the batcher a little apart: some
    // runs may be partial, but far fewer runs than requests are made and none is larger than the configured batch.
    const maxBatchSize = definition.stages.onnx.batching.maxBatchSize;
    expect(maxBatchSize).toBeGreaterThan(1);
    expect(deps.batchStats?.()).toMatchObject({ items: 16, largestBatch: maxBatchSize });
    expect(deps.batchStats?.().calls).toBeLessThanOrEqual(Math.ceil(16 / maxBatchSize) * 2);
    expect(outputs.map((o) => o.attributes?.onnxLabel)).toEqual(inputs.map((_, i) => (i % 2 === 1 ? '180' : '0')));
  });
});
