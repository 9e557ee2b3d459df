/**
 * Turns an image file into one item of an ONNX image model's input tensor. sharp decodes, orients, composites
 * transparency over white and resizes (native code, off the main thread); only the final per-pixel normalisation
 * into the tensor's layout is done here, on the few thousand pixels the model takes.
 */
import { decoded, openImage, type ImageInfo, type ImageLimits } from './image-decoder';
import type { OnnxModelConfig } from './onnx-model';

/** One item of the input tensor, `C × H × W` (or `H × W × C`) values. */
export type TensorItem = Float32Array | Uint8Array;

/** The tensor geometry of a model's input. */
export function inputGeometry(config: OnnxModelConfig): { channels: number; height: number; width: number } {
  const { layout, dims } = config.input;
  const [channels, height, width] = layout === 'NCHW' ? dims : [dims[2], dims[0], dims[1]];
  return { channels, height, width };
}

/**
 * Decodes and resizes the image as the model's configuration says: `stretch` to W×H, or `fitHeight` (scale to
 * height H keeping the aspect ratio; a wider image is cropped to W on the right, a narrower one padded with
 * `padValue`), then reorders and normalises the channels.
 */
export async function imageToTensor(bytes: Buffer, info: Pick<ImageInfo, 'format' | 'width' | 'height'>, config: OnnxModelConfig, limits: ImageLimits): Promise<TensorItem> {
  const { channels, height, width } = inputGeometry(config);
  const pre = config.preprocess;
  const fitted = pre.resize === 'fitHeight' ? Math.min(width, Math.max(1, Math.ceil((info.width * height) / info.height))) : width;
  let image = openImage(bytes, limits)
    .flatten({ background: '#ffffff' })
    // `cover` scales by the larger of the two ratios, the height's for a wide image: the crop keeps the left part.
    .resize({ width: fitted, height, fit: pre.resize === 'fitHeight' ? 'cover' : 'fill', position: 'left' });
  image = channels === 1 ? image.greyscale() : image.toColourspace('srgb');
  const { data, info: out } = await decoded(image.raw().toBuffer({ resolveWithObject: true }), info);
  if (out.width !== fitted || out.height !== height || out.channels !== channels) {
    throw new Error(`resize gave ${out.width}×${out.height}×${out.channels}; expected ${fitted}×${height}×${channels}`);
  }
  return normalise(data, { channels, height, width, fitted }, config);
}

/** Copies interleaved 8-bit pixels (`fitted` columns) into the tensor's layout, normalised; the rest is padding. */
function normalise(pixels: Buffer, size: { channels: number; height: number; width: number; fitted: number }, config: OnnxModelConfig): TensorItem {
  const { channels, height, width, fitted } = size;
  const { layout, dtype } = config.input;
  const pre = config.preprocess;
  const out = dtype === 'uint8' ? new Uint8Array(channels * height * width) : new Float32Array(channels * height * width);
  if (dtype === 'float32') out.fill(pre.padValue);
  // Source channel for each tensor channel: BGR reads the pixel's channels backwards.
  const source = Array.from({ length: channels }, (_, c) => (channels === 3 && pre.channelOrder === 'bgr' ? 2 - c : c));
  const factor = source.map((_, c) => (dtype === 'uint8' ? 1 : pre.scale / pick(pre.std, c)));
  const offset = source.map((_, c) => (dtype === 'uint8' ? 0 : -pick(pre.mean, c) / pick(pre.std, c)));
  // One channel at a time; the destination index steps by 1 (NCHW) or by `channels` (NHWC) along a row.
  const step = layout === 'NCHW' ? 1 : channels;
  for (let c = 0; c < channels; c += 1) {
    const s = source[c] as number;
    const f = factor[c] as number;
    const o = offset[c] as number;
    for (let y = 0; y < height; y += 1) {
      let from = y * fitted * channels + s;
      let to = layout === 'NCHW' ? c * height * width + y * width : y * width * channels + c;
      for (let x = 0; x < fitted; x += 1) {
        out[to] = (pixels[from] as number) * f + o;
        from += channels;
        to += step;
      }
    }
  }
  return out;
}

/** A per-channel setting: one value for every channel, or one per channel. */
function pick(values: readonly number[], channel: number): number {
  return (values.length === 1 ? values[0] : values[channel]) as number;
}
