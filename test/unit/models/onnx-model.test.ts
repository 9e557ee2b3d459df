import { imageToTensor, onnxModelConfigSchema, type OnnxModelConfigInput } from '../../../functions/models/onnx-model';
import type { RgbaImage } from '../../../functions/models/png';

const base: OnnxModelConfigInput = {
  name: 'test-model',
  uri: '/models/test.onnx',
  input: { name: 'x', dims: [3, 2, 4] },
  output: { name: 'y', labels: ['a', 'b'] },
};

/** A w×h image filled with one RGBA colour. */
function solid(width: number, height: number, rgba: [number, number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i += 1) data.set(rgba, i * 4);
  return { width, height, data };
}

describe('onnxModelConfigSchema', () => {
  it('fills in the defaults', () => {
    // Act
    const config = onnxModelConfigSchema.parse(base);

    // Assess
    expect(config.input).toEqual({ name: 'x', dims: [3, 2, 4], layout: 'NCHW', dtype: 'float32' });
    expect(config.preprocess).toEqual({ resize: 'stretch', channelOrder: 'rgb', scale: 1 / 255, mean: [0], std: [1], padValue: 0 });
    expect(config.output.activation).toBe('none');
  });

  it.each([
    [{ ...base, input: { name: 'x', dims: [2, 8, 8] } }, 'expected 1 or 3 channels, got 2'],
    [{ ...base, preprocess: { mean: [0.1, 0.2] } }, 'expected 1 or 3 values (one per channel), got 2'],
    [{ ...base, preprocess: { std: [0] } }, 'std must not be 0'],
    [{ ...base, output: { name: 'y', labels: [] } }, 'labels'],
    [{ ...base, extra: true }, 'extra'],
  ])('refuses %j', (value, message) => {
    const parsed = onnxModelConfigSchema.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(message);
  });
});

describe('imageToTensor', () => {
  it('normalises each channel and lays the tensor out as NCHW', () => {
    // Prepare
    const config = onnxModelConfigSchema.parse({ ...base, preprocess: { mean: [0.5], std: [0.5] } });

    // Act: a 4×2 pure red image.
    const tensor = imageToTensor(solid(4, 2, [255, 0, 0, 255]), config);

    // Assess: channel 0 is 1.0 everywhere, channels 1 and 2 are -1.0.
    expect(tensor).toHaveLength(3 * 2 * 4);
    expect([...tensor.subarray(0, 8)]).toEqual(Array(8).fill(1));
    expect([...tensor.subarray(8)]).toEqual(Array(16).fill(-1));
  });

  it('swaps to BGR and lays out NHWC when asked', () => {
    // Prepare
    const config = onnxModelConfigSchema.parse({ ...base, input: { name: 'x', dims: [1, 1, 3], layout: 'NHWC' }, preprocess: { channelOrder: 'bgr', scale: 1 } });

    // Act
    const tensor = imageToTensor(solid(5, 5, [10, 20, 30, 255]), config);

    // Assess
    expect([...tensor]).toEqual([30, 20, 10]);
  });

  it('keeps the aspect ratio in fitHeight mode and pads the right with padValue', () => {
    // Prepare: 2 high × 4 wide tensor; a 1×1 black image becomes 2×2 black, then 2 columns of padding.
    const config = onnxModelConfigSchema.parse({ ...base, input: { name: 'x', dims: [1, 2, 4] }, preprocess: { resize: 'fitHeight', scale: 1, padValue: -7 } });

    // Act
    const tensor = imageToTensor(solid(1, 1, [0, 0, 0, 255]), config);

    // Assess
    expect([...tensor]).toEqual([0, 0, -7, -7, 0, 0, -7, -7]);
  });

  it('crops a wide image in fitHeight mode instead of squashing it', () => {
    // Prepare: an image 1 high and 8 wide, left half black, right half white; the tensor is 1×2.
    const data = new Uint8Array(8 * 4);
    for (let x = 0; x < 8; x += 1) data.set(x < 4 ? [0, 0, 0, 255] : [255, 255, 255, 255], x * 4);
    const config = onnxModelConfigSchema.parse({ ...base, input: { name: 'x', dims: [1, 1, 2] }, preprocess: { resize: 'fitHeight', scale: 1 } });

    // Act
    const tensor = imageToTensor({ width: 8, height: 1, data }, config);

    // Assess: only the first two source columns are used (both black).
    expect([...tensor]).toEqual([0, 0]);
  });

  it('averages the pixels it shrinks and composites transparency over white', () => {
    // Prepare: 2×1 image, one black opaque and one fully transparent pixel, into a 1×1 gray tensor.
    const data = Uint8Array.from([0, 0, 0, 255, 0, 0, 0, 0]);
    const config = onnxModelConfigSchema.parse({ ...base, input: { name: 'x', dims: [1, 1, 1], dtype: 'uint8' } });

    // Act
    const tensor = imageToTensor({ width: 2, height: 1, data }, config);

    // Assess: (0 + 255) / 2, rounded.
    expect(tensor).toBeInstanceOf(Uint8Array);
    expect([...tensor]).toEqual([128]);
  });
});
