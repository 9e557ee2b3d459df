import type { OnnxPrediction } from '../../../functions/models/onnx-model';
import { encodePng, type RgbaImage } from '../../../functions/models/png';
import { UnsupportedContentError } from '../../../toolkit/core/runtime/errors';
import { defaultOnnxModelConfig, parseOnnxStageConfig, type OnnxStageConfig } from '../../../functions/stages/onnx/config';
import { handleOnnx, type OnnxDeps } from '../../../functions/stages/onnx/handler';
import { onnxOutputSchema } from '../../../functions/stages/onnx/schema';
import { fakeGcsClient } from './fake-gcs-client';
import { stageContext } from './context';

const png = encodePng({ width: 6, height: 3, data: new Uint8Array(18).fill(0), channels: 1 });
/** A JPEG's first and last bytes with a frame header; enough for the format check, never decoded here. */
const jpeg = Buffer.from('ffd8ffe000040000ffc0000b0800030006010111000102ffd9', 'hex');
const prediction: OnnxPrediction = { label: '180', score: 0.97, scores: { '0': 0.03, '180': 0.97 } };

function deps(undecodable: OnnxStageConfig['undecodable'] = 'skip'): OnnxDeps & { images: RgbaImage[] } {
  const images: RgbaImage[] = [];
  const config = { ...parseOnnxStageConfig({}), undecodable };
  return {
    images,
    classify: async (image) => {
      images.push(image);
      return prediction;
    },
    gcs: fakeGcsClient(),
    config,
  };
}

describe('handleOnnx', () => {
  it('classifies a PNG, passes the request on with the finding and sets onnxLabel', async () => {
    // Prepare
    const d = deps();
    const input = { image: { data: png.toString('base64') }, id: 'i-1' };

    // Act
    const output = await handleOnnx(input, stageContext(d));

    // Assess
    expect(d.images.map((i) => [i.width, i.height])).toEqual([[6, 3]]);
    expect(output.data).toEqual({ ...input, onnx: { model: 'ppocr-direction-cls', ...prediction } });
    expect(output.attributes).toEqual({ ['onnxLabel']: '180' });
    expect(onnxOutputSchema.safeParse(output.data).success).toBe(true);
  });

  it('passes a JPEG on without a prediction by default', async () => {
    // Prepare
    const d = deps('skip');

    // Act
    const output = await handleOnnx({ image: { data: jpeg.toString('base64') } }, stageContext(d));

    // Assess
    expect(d.images).toEqual([]);
    expect(output.data.onnx).toEqual({ model: 'ppocr-direction-cls', skipped: 'the onnx stage decodes PNG only; this image is JPEG' });
    expect(output.attributes).toBeUndefined();
  });

  it('dead-letters a JPEG when configured to reject what it cannot decode', async () => {
    await expect(handleOnnx({ image: { data: jpeg.toString('base64') } }, stageContext(deps('reject')))).rejects.toThrow(
      new UnsupportedContentError('the onnx stage decodes PNG only; this image is JPEG'),
    );
  });

  it('dead-letters what is not an image at all', async () => {
    await expect(handleOnnx({ image: { data: Buffer.from('{"text": "oops"}').toString('base64') } }, stageContext(deps()))).rejects.toThrow(/not a supported image/);
  });
});

describe('parseOnnxStageConfig', () => {
  it('defaults to the shipped PaddleOCR direction classifier', () => {
    // Act
    const config = parseOnnxStageConfig({});

    // Assess
    expect(config.model.name).toBe('ppocr-direction-cls');
    expect(config.model.uri).toMatch(/@gutenye\/ocr-models\/assets\/ch_ppocr_mobile_v2\.0_cls_infer\.onnx$/);
    expect(config.model.input).toEqual({ name: 'x', dims: [3, 48, 192], layout: 'NCHW', dtype: 'float32' });
    // Without the definition's batching, one image per model call.
    expect(config.batching).toEqual({ maxBatchSize: 1, maxWaitMillis: 0 });
    expect(parseOnnxStageConfig({}, { maxBatchSize: 16, maxWaitMillis: 5 }).batching).toEqual({ maxBatchSize: 16, maxWaitMillis: 5 });
    expect(config.undecodable).toBe('skip');
  });

  it('replaces only the URI with ONNX_MODEL_URI', () => {
    // Act
    const config = parseOnnxStageConfig({ ONNX_MODEL_URI: 'gs://models/cls.onnx' });

    // Assess
    expect(config.model).toEqual({ ...parseOnnxStageConfig({}).model, uri: 'gs://models/cls.onnx' });
  });

  it('takes a whole model configuration from ONNX_MODEL_CONFIG', () => {
    // Prepare
    const custom = { ...defaultOnnxModelConfig(), name: 'mnist', input: { name: 'img', dims: [1, 28, 28] }, output: { name: 'probs', activation: 'softmax', labels: ['0', '1'] } };

    // Act
    const config = parseOnnxStageConfig({ ONNX_MODEL_CONFIG: JSON.stringify(custom), ONNX_MAX_BATCH_SIZE: '64', ONNX_UNDECODABLE: 'reject' });

    // Assess
    expect(config.model.name).toBe('mnist');
    expect(config.model.input.dims).toEqual([1, 28, 28]);
    expect(config.batching.maxBatchSize).toBe(64);
    expect(config.undecodable).toBe('reject');
  });

  it.each([
    [{ ONNX_MODEL_CONFIG: '{not json' }, /ONNX_MODEL_CONFIG is not JSON/],
    [{ ONNX_MODEL_CONFIG: '{"name": "x"}' }, /invalid onnx model configuration: .*uri/],
    [{ ONNX_UNDECODABLE: 'ignore' }, /ONNX_UNDECODABLE must be "skip" or "reject"/],
    [{ ONNX_MAX_WAIT_MS: '-1' }, /ONNX_MAX_WAIT_MS/],
  ])('fails fast on %j', (env, message) => {
    expect(() => parseOnnxStageConfig(env)).toThrow(message);
  });
});
