/**
 * A small, dependency-free PNG codec (zlib is Node's own). The onnx stage needs raw pixels to build its input
 * tensor and no image decoder ships in this project's dependencies; tests need to write images. Decoding covers
 * every PNG the specification allows (all colour types and bit depths, palettes, transparency, Adam7
 * interlacing); chunk CRCs are checked so a corrupt or truncated file is refused rather than half read.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { UnsupportedContentError } from '../../toolkit/core';

/** An 8-bit RGBA raster, row by row, 4 bytes a pixel. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Options of `decodePng`. */
export interface PngDecodeOptions {
  /** Refuse images with more pixels than this before inflating anything (decompression bombs). */
  readonly maxPixels?: number;
}

/** Default `maxPixels`: 40 MP, a 160 MB RGBA raster. */
export const DEFAULT_MAX_PNG_PIXELS = 40_000_000;

const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ALLOWED_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Reads a PNG file into an RGBA raster; throws `UnsupportedContentError` saying what is wrong with the file. */
export function decodePng(file: Uint8Array, options: PngDecodeOptions = {}): RgbaImage {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (bytes.length < PNG_SIGNATURE.length || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new UnsupportedContentError('not a PNG file: expected the 8-byte PNG signature');
  }
  let offset = 8;
  let header: { width: number; height: number; depth: number; colorType: number; interlace: number } | undefined;
  let palette: Buffer | undefined;
  let transparency: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < bytes.length && !ended) {
    if (offset + 12 > bytes.length) throw truncated(`a chunk header at byte ${offset}`);
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (offset + 12 + length > bytes.length) throw truncated(`the ${type} chunk (${length} bytes at byte ${offset})`);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = bytes.readUInt32BE(offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== crc) {
      throw new UnsupportedContentError(`corrupt PNG: the ${type} chunk at byte ${offset} fails its CRC check`);
    }
    offset += 12 + length;
    if (type === 'IHDR') {
      if (length !== 13) throw new UnsupportedContentError(`corrupt PNG: IHDR is ${length} bytes, expected 13`);
      header = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        depth: body[8] as number,
        colorType: body[9] as number,
        interlace: body[12] as number,
      };
      checkHeader(header, options.maxPixels ?? DEFAULT_MAX_PNG_PIXELS);
    } else if (!header) {
      throw new UnsupportedContentError(`corrupt PNG: the first chunk is ${type}, expected IHDR`);
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') transparency = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') ended = true;
  }
  if (!header) throw truncated('the IHDR chunk');
  if (!ended) throw truncated('the IEND chunk');
  if (idat.length === 0) throw new UnsupportedContentError('corrupt PNG: no IDAT chunk, so no pixels');
  if (header.colorType === 3 && !palette) throw new UnsupportedContentError('corrupt PNG: palette image without a PLTE chunk');
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (error) {
    throw new UnsupportedContentError(`corrupt or truncated PNG: its pixel data does not inflate (${(error as Error).message})`);
  }
  return toRgba(raw, header, palette, transparency);
}

/** Writes an 8-bit grayscale (1 channel), RGB (3) or RGBA (4) raster as a PNG file. */
export function encodePng(image: { width: number; height: number; data: Uint8Array; channels: 1 | 3 | 4 }): Buffer {
  const { width, height, data, channels } = image;
  if (data.length !== width * height * channels) {
    throw new RangeError(`encodePng: expected ${width}×${height}×${channels} = ${width * height * channels} bytes, got ${data.length}`);
  }
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y += 1) {
    // Filter type 0 (none) on every row: simple, and zlib still compresses flat test images well.
    raw[y * (stride + 1)] = 0;
    raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function checkHeader(h: { width: number; height: number; depth: number; colorType: number; interlace: number }, maxPixels: number): void {
  if (h.width === 0 || h.height === 0) throw new UnsupportedContentError(`corrupt PNG: size ${h.width}×${h.height}; expected both above 0`);
  const depths = ALLOWED_DEPTHS[h.colorType];
  if (!depths) throw new UnsupportedContentError(`corrupt PNG: colour type ${h.colorType}; expected 0, 2, 3, 4 or 6`);
  if (!depths.includes(h.depth)) throw new UnsupportedContentError(`corrupt PNG: bit depth ${h.depth} with colour type ${h.colorType}; expected one of ${depths.join(', ')}`);
  if (h.interlace > 1) throw new UnsupportedContentError(`corrupt PNG: interlace method ${h.interlace}; expected 0 or 1`);
  if (h.width * h.height > maxPixels) {
    throw new UnsupportedContentError(`image too large: ${h.width}×${h.height} = ${h.width * h.height} pixels; expected at most ${maxPixels}`);
  }
}

function toRgba(
  raw: Buffer,
  h: { width: number; height: number; depth: number; colorType: number; interlace: number },
  palette: Buffer | undefined,
  trns: Buffer | undefined,
): RgbaImage {
  const channels = CHANNELS[h.colorType] as number;
  const bitsPerPixel = channels * h.depth;
  const bytesPerPixel = Math.max(1, bitsPerPixel >> 3);
  const out = new Uint8Array(h.width * h.height * 4);
  let position = 0;
  const passes = h.interlace === 1 ? ADAM7 : ([[0, 0, 1, 1]] as const);
  for (const [x0, y0, dx, dy] of passes) {
    const passWidth = Math.ceil((h.width - x0) / dx);
    const passHeight = Math.ceil((h.height - y0) / dy);
    if (passWidth <= 0 || passHeight <= 0) continue;
    const stride = Math.ceil((passWidth * bitsPerPixel) / 8);
    let previous = Buffer.alloc(stride);
    for (let row = 0; row < passHeight; row += 1) {
      if (position + 1 + stride > raw.length) throw truncated('pixel rows (the image data ends early)');
      const filter = raw[position] as number;
      const line = Buffer.from(raw.subarray(position + 1, position + 1 + stride));
      position += 1 + stride;
      unfilter(filter, line, previous, bytesPerPixel);
      for (let col = 0; col < passWidth; col += 1) {
        const target = ((y0 + row * dy) * h.width + (x0 + col * dx)) * 4;
        writePixel(out, target, line, col, h.depth, h.colorType, palette, trns);
      }
      previous = line;
    }
  }
  return { width: h.width, height: h.height, data: out };
}

function unfilter(filter: number, line: Buffer, previous: Buffer, bpp: number): void {
  for (let i = 0; i < line.length; i += 1) {
    const left = i >= bpp ? (line[i - bpp] as number) : 0;
    const up = previous[i] as number;
    const upLeft = i >= bpp ? (previous[i - bpp] as number) : 0;
    const value = line[i] as number;
    switch (filter) {
      case 0:
        break;
      case 1:
        line[i] = (value + left) & 0xff;
        break;
      case 2:
        line[i] = (value + up) & 0xff;
        break;
      case 3:
        line[i] = (value + ((left + up) >> 1)) & 0xff;
        break;
      case 4:
        line[i] = (value + paeth(left, up, upLeft)) & 0xff;
        break;
      default:
        throw new UnsupportedContentError(`corrupt PNG: row filter ${filter}; expected 0..4`);
    }
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Sample `index` of a row, scaled to 0..255 (16-bit samples keep their high byte). */
function sample(line: Buffer, index: number, depth: number): number {
  if (depth === 8) return line[index] as number;
  if (depth === 16) return line[index * 2] as number;
  const perByte = 8 / depth;
  const byte = line[Math.floor(index / perByte)] as number;
  const shift = 8 - depth * ((index % perByte) + 1);
  const value = (byte >> shift) & ((1 << depth) - 1);
  return Math.round((value * 255) / ((1 << depth) - 1));
}

/** The raw (unscaled) sample, for matching against tRNS keys. */
function rawSample(line: Buffer, index: number, depth: number): number {
  if (depth === 16) return line.readUInt16BE(index * 2);
  if (depth === 8) return line[index] as number;
  const perByte = 8 / depth;
  const byte = line[Math.floor(index / perByte)] as number;
  return (byte >> (8 - depth * ((index % perByte) + 1))) & ((1 << depth) - 1);
}

function writePixel(out: Uint8Array, at: number, line: Buffer, col: number, depth: number, colorType: number, palette: Buffer | undefined, trns: Buffer | undefined): void {
  switch (colorType) {
    case 0: {
      const g = sample(line, col, depth);
      out[at] = g;
      out[at + 1] = g;
      out[at + 2] = g;
      out[at + 3] = trns && trns.length >= 2 && rawSample(line, col, depth) === trns.readUInt16BE(0) ? 0 : 255;
      return;
    }
    case 2: {
      out[at] = sample(line, col * 3, depth);
      out[at + 1] = sample(line, col * 3 + 1, depth);
      out[at + 2] = sample(line, col * 3 + 2, depth);
      const key =
        trns &&
        trns.length >= 6 &&
        rawSample(line, col * 3, depth) === trns.readUInt16BE(0) &&
        rawSample(line, col * 3 + 1, depth) === trns.readUInt16BE(2) &&
        rawSample(line, col * 3 + 2, depth) === trns.readUInt16BE(4);
      out[at + 3] = key ? 0 : 255;
      return;
    }
    case 3: {
      const index = rawSample(line, col, depth);
      const p = palette as Buffer;
      if (index * 3 + 2 >= p.length) throw new UnsupportedContentError(`corrupt PNG: palette index ${index} beyond the ${p.length / 3}-colour palette`);
      out[at] = p[index * 3] as number;
      out[at + 1] = p[index * 3 + 1] as number;
      out[at + 2] = p[index * 3 + 2] as number;
      out[at + 3] = trns && index < trns.length ? (trns[index] as number) : 255;
      return;
    }
    case 4: {
      const g = sample(line, col * 2, depth);
      out[at] = g;
      out[at + 1] = g;
      out[at + 2] = g;
      out[at + 3] = sample(line, col * 2 + 1, depth);
      return;
    }
    default: {
      out[at] = sample(line, col * 4, depth);
      out[at + 1] = sample(line, col * 4 + 1, depth);
      out[at + 2] = sample(line, col * 4 + 2, depth);
      out[at + 3] = sample(line, col * 4 + 3, depth);
    }
  }
}

function truncated(what: string): UnsupportedContentError {
  return new UnsupportedContentError(`truncated PNG: the file ends before ${what}; expected a complete PNG file`);
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, tail]);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 as PNG (and zlib) define it; Node 20's zlib does not expose one. */
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n += 1) {
      let c = n;
      for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i += 1) crc = (crcTable[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
