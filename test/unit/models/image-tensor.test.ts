import sharp from 'sharp';
import { inspectImage } from '../../../functions/models/image-decoder';
import { imageToTensor } from '../../../functions/models/image-tensor';
import { onnxModelConfigSchema, type OnnxModelConfigInput } from '../../../functions/models/onnx-model';

const base: OnnxModelConfigInput = {
  name: 'test-model',
  uri: '/models/test.onnx',
  input: { name: 'x', dims: [3, 2, 4] },
  output: { name: 'y', labels: ['a', 'b'] },
};
const limits = { maxPixels: 1_000_000 };

/** A w×h PNG filled with one colour (alpha 0..1). */
function solid(width: number, height: number, r: number, g: number, b: number, alpha = 1): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r, g, b, alpha } } }).png().toBuffer();
}

/** The tensor item for a PNG, as the onnx stage makes it. */
async function tensorOf(png: Buffer, config: OnnxModelConfigInput): Promise<number[]> {
  return [...(await imageToTensor(png, await inspectImage(png, limits), onnxModelConfigSchema.parse(config), limits))];
}

describe('imageToTensor', () => {
  it('normalises each channel and lays the tensor out as NCHW', async () => {
    // Act: a 4×2 pure red image.
    const tensor = await tensorOf(await solid(4, 2, 255, 0, 0), { ...base, preprocess: { mean: [0.5], std: [0.5] } });

    // Assess: channel 0 is 1.0 everywhere, channels 1 and 2 are -1.0.
    expect(tensor).toHaveLength(3 * 2 * 4);
    expect(tensor.slice(0, 8)).toEqual(Array(8).fill(1));
    expect(tensor.slice(8)).toEqual(Array(16).fill(-1));
  });

  it('swaps to BGR and lays out NHWC when asked', async () => {
    // Act
    const tensor = await tensorOf(await solid(5, 5, 10, 20, 30), { ...base, input: { name: 'x', dims: [1, 1, 3], layout: 'NHWC' }, preprocess: { channelOrder: 'bgr', scale: 1 } });

    // Assess
    expect(tensor).toEqual([30, 20, 10]);
  });

  it('gives a grey image three channels for a colour model, and one for a grey model', async () => {
    // Prepare
    const grey = await sharp(Buffer.alloc(4, 100), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer();

    // Act
    const colour = await tensorOf(grey, { ...base, input: { name: 'x', dims: [3, 1, 1] }, preprocess: { scale: 1 } });
    const mono = await tensorOf(grey, { ...base, input: { name: 'x', dims: [1, 1, 1], dtype: 'uint8' } });

    // Assess
    expect(colour).toEqual([100, 100, 100]);
    expect(mono).toEqual([100]);
  });

  it('keeps the aspect ratio in fitHeight mode and pads the right with padValue', async () => {
    // Act: 2 high × 4 wide tensor; a 1×1 black image becomes 2×2 black, then 2 columns of padding.
    const tensor = await tensorOf(await solid(1, 1, 0, 0, 0), { ...base, input: { name: 'x', dims: [1, 2, 4] }, preprocess: { resize: 'fitHeight', scale: 1, padValue: -7 } });

    // Assess
    expect(tensor).toEqual([0, 0, -7, -7, 0, 0, -7, -7]);
  });

  it('crops a wide image in fitHeight mode instead of squashing it', async () => {
    // Prepare: an image 4 high and 32 wide, left half black, right half white; the tensor is 1×2.
    const pixels = Buffer.alloc(32 * 4, 255);
    for (let y = 0; y < 4; y += 1) pixels.fill(0, y * 32, y * 32 + 16);
    const png = await sharp(pixels, { raw: { width: 32, height: 4, channels: 1 } }).png().toBuffer();

    // Act
    const tensor = await tensorOf(png, { ...base, input: { name: 'x', dims: [1, 1, 2], dtype: 'uint8' }, preprocess: { resize: 'fitHeight' } });

    // Assess: only the left part of the image is used (black, give or take the resampling filter's ringing).
    expect(tensor).toHaveLength(2);
    for (const value of tensor) expect(value).toBeLessThan(8);
  });

  it('composites transparency over white', async () => {
    // Act
    const tensor = await tensorOf(await solid(3, 3, 0, 0, 0, 0), { ...base, input: { name: 'x', dims: [1, 1, 1], dtype: 'uint8' } });

    // Assess
    expect(tensor).toEqual([255]);
  });
});
