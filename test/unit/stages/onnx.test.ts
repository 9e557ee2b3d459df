import type { TensorItem } from '../../../functions/models/image-tensor';
import type { OnnxPrediction } from '../../../functions/models/onnx-model';
import { UnsupportedContentError } from '../../../toolkit/core/runtime/errors';
import { defaultOnnxModelConfig, parseOnnxStageConfig } from '../../../functions/stages/onnx/config';
import { handleOnnx, type OnnxDeps } from '../../../functions/stages/onnx/handler';
import { onnxOutputSchema } from '../../../functions/stages/onnx/schema';
import { fixtureImage, reencoded } from '../../support/images';
import { fakeGcsClient } from './fake-gcs-client';
import { stageContext } from './context';

const prediction: OnnxPrediction = { label: '180', score: 0.97, scores: { '0': 0.03, '180': 0.97 } };

function deps(env: NodeJS.ProcessEnv = {}): OnnxDeps & { items: TensorItem[] } {
  const items: TensorItem[] = [];
  return {
    items,
    classify: async (item) => {
      items.push(item);
      return prediction;
    },
    gcs: fakeGcsClient(),
    config: parseOnnxStageConfig(env),
  };
}

const inline = (bytes: Buffer): { image: { data: string } } => ({ image: { data: bytes.toString('base64') } });

describe('handleOnnx', () => {
  it.each(['png', 'jpeg', 'webp', 'gif', 'tiff'] as const)('classifies a %s image, passes the request on with the finding and sets onnxLabel', async (format) => {
    // Prepare
    const d = deps();
    const input = { ...inline(await reencoded(fixtureImage('ticket.png'), format)), id: 'i-1' };

    // Act
    const output = await handleOnnx(input, stageContext(d));

    // Assess: one 3×48×192 tensor item reached the model.
    expect(d.items.map((item) => item.length)).toEqual([3 * 48 * 192]);
    expect(output.data).toEqual({ ...input, onnx: { model: 'ppocr-direction-cls', ...prediction } });
    expect(output.attributes).toEqual({ ['onnxLabel']: '180' });
    expect(onnxOutputSchema.safeParse(output.data).success).toBe(true);
  });

  it.each([
    ['what is not an image at all', Buffer.from('{"text": "oops"}'), /not a supported image: the bytes start with .*\{.*text/],
    ['a PDF', Buffer.from('%PDF-1.7\n1 0 obj\n<< >>\nendobj\n'), /not a supported image: found a PDF document/],
    ['a truncated JPEG', fixtureImage('ticket.jpg').subarray(0, 4000), /truncated or corrupt JPEG/],
  ])('dead-letters %s with the format found', async (_name, bytes, message) => {
    // Prepare
    const d = deps();

    // Act
    const handling = handleOnnx(inline(bytes), stageContext(d));

    // Assess
    await expect(handling).rejects.toThrow(UnsupportedContentError);
    await expect(handleOnnx(inline(bytes), stageContext(d))).rejects.toThrow(message);
    expect(d.items).toEqual([]);
  });

  it('refuses an image over the pixel limit from its header', async () => {
    // Prepare: the ticket is 800×210 = 168,000 pixels.
    const d = deps({ IMAGE_MAX_PIXELS: '160000' });

    // Act / Assess
    await expect(handleOnnx(inline(fixtureImage('ticket.jpg')), stageContext(d))).rejects.toThrow('image too large: the JPEG is 800×210 = 168000 pixels; expected at most 160000');
    expect(d.items).toEqual([]);
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
    const config = parseOnnxStageConfig({ ONNX_MODEL_CONFIG: JSON.stringify(custom), ONNX_MAX_BATCH_SIZE: '64' });

    // Assess
    expect(config.model.name).toBe('mnist');
    expect(config.model.input.dims).toEqual([1, 28, 28]);
    expect(config.batching.maxBatchSize).toBe(64);
  });

  it.each([
    [{ ONNX_MODEL_CONFIG: '{not json' }, /ONNX_MODEL_CONFIG is not JSON/],
    [{ ONNX_MODEL_CONFIG: '{"name": "x"}' }, /invalid onnx model configuration: .*uri/],
    [{ ONNX_MAX_WAIT_MS: '-1' }, /ONNX_MAX_WAIT_MS/],
  ])('fails fast on %j', (env, message) => {
    expect(() => parseOnnxStageConfig(env)).toThrow(message);
  });
});
