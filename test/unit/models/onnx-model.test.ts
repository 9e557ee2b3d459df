import { onnxModelConfigSchema, type OnnxModelConfigInput } from '../../../functions/models/onnx-model';

const base: OnnxModelConfigInput = {
  name: 'test-model',
  uri: '/models/test.onnx',
  input: { name: 'x', dims: [3, 2, 4] },
  output: { name: 'y', labels: ['a', 'b'] },
};

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
