/**
 * Recognises an image file from its bytes and reads its size from the header, without decoding it, so that a
 * stage can refuse what it cannot read (not an image, an unsupported format, a truncated file, too many pixels)
 * with a precise reason before handing anything to a model. A file's name or declared type is never trusted.
 */
import { UnsupportedContentError } from '../../toolkit/core';
import { PNG_SIGNATURE } from './png';

/** Formats recognised here (Tesseract reads all of them: they are the ones tesseract.js documents). */
export const IMAGE_FORMATS = ['png', 'jpeg', 'bmp', 'webp', 'pnm'] as const;
/** One of `IMAGE_FORMATS`. */
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** What the header says. */
export interface ImageInfo {
  readonly format: ImageFormat;
  /** Pixels; undefined where the header does not say it plainly (WebP, PNM). */
  readonly width?: number;
  readonly height?: number;
}

/** Limits applied by `inspectImage`. */
export interface ImageLimits {
  /** Most pixels (width × height) accepted. */
  readonly maxPixels: number;
  /** Formats accepted; all of `IMAGE_FORMATS` when absent. */
  readonly formats?: readonly ImageFormat[];
}

/** Recognises the format and size, or throws `UnsupportedContentError` naming what is wrong. */
export function inspectImage(bytes: Uint8Array, limits: ImageLimits): ImageInfo {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const info = sniff(buffer);
  if (!info) {
    throw new UnsupportedContentError(`not a supported image: the bytes start with ${describeStart(buffer)}; expected a PNG, JPEG, BMP, WebP or PNM file`);
  }
  const formats = limits.formats ?? IMAGE_FORMATS;
  if (!formats.includes(info.format)) {
    throw new UnsupportedContentError(`unsupported image format ${info.format.toUpperCase()}; expected ${formats.map((f) => f.toUpperCase()).join(' or ')}`);
  }
  if (info.width !== undefined && info.height !== undefined) {
    if (info.width === 0 || info.height === 0) throw new UnsupportedContentError(`corrupt ${info.format.toUpperCase()}: size ${info.width}×${info.height}`);
    if (info.width * info.height > limits.maxPixels) {
      throw new UnsupportedContentError(`image too large: ${info.width}×${info.height} = ${info.width * info.height} pixels; expected at most ${limits.maxPixels}`);
    }
  }
  return info;
}

/** Image formats recognised only to say so plainly when refusing them. */
const KNOWN_UNSUPPORTED: readonly [string, Buffer][] = [
  ['GIF', Buffer.from('GIF8', 'latin1')],
  ['TIFF', Buffer.from([0x49, 0x49, 0x2a, 0x00])],
  ['TIFF', Buffer.from([0x4d, 0x4d, 0x00, 0x2a])],
  ['PDF', Buffer.from('%PDF', 'latin1')],
];

function sniff(b: Buffer): ImageInfo | undefined {
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG_SIGNATURE)) return png(b);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpeg(b);
  if (b.length >= 2 && b.toString('latin1', 0, 2) === 'BM') return bmp(b);
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    if (b.readUInt32LE(4) + 8 > b.length) throw truncated('WebP', `its RIFF header announces ${b.readUInt32LE(4) + 8} bytes, the file has ${b.length}`);
    return { format: 'webp' };
  }
  const other = KNOWN_UNSUPPORTED.find(([, magic]) => b.length >= magic.length && b.subarray(0, magic.length).equals(magic));
  if (other) throw new UnsupportedContentError(`unsupported image format ${other[0]}; expected a PNG, JPEG, BMP, WebP or PNM file`);
  if (b.length >= 3 && b[0] === 0x50 && (b[1] as number) >= 0x31 && (b[1] as number) <= 0x36 && /\s/.test(String.fromCharCode(b[2] as number))) return { format: 'pnm' };
  return undefined;
}

/** Walks the chunk list (lengths only, no CRC or inflate) to catch a truncated file cheaply. */
function png(b: Buffer): ImageInfo {
  if (b.length < 33 || b.toString('latin1', 12, 16) !== 'IHDR') throw truncated('PNG', 'the IHDR header is missing');
  const info: ImageInfo = { format: 'png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  let offset = 8;
  while (offset + 12 <= b.length) {
    const length = b.readUInt32BE(offset);
    const type = b.toString('latin1', offset + 4, offset + 8);
    offset += 12 + length;
    if (offset > b.length) throw truncated('PNG', `the ${type} chunk runs past the end of the file`);
    if (type === 'IEND') return info;
  }
  throw truncated('PNG', 'the IEND chunk is missing');
}

/** Reads the size from the first start-of-frame marker; a file must also end with the end-of-image marker. */
function jpeg(b: Buffer): ImageInfo {
  let end = b.length;
  // Some writers pad after the end-of-image marker; allow a little.
  while (end > 2 && b[end - 1] === 0x00 && b.length - end < 64) end -= 1;
  if (!(b[end - 2] === 0xff && b[end - 1] === 0xd9)) throw truncated('JPEG', 'the end-of-image marker (FF D9) is missing');
  let offset = 2;
  while (offset + 4 <= b.length) {
    if (b[offset] !== 0xff) throw new UnsupportedContentError(`corrupt JPEG: expected a marker at byte ${offset}`);
    const marker = b[offset + 1] as number;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    const length = b.readUInt16BE(offset + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (offset + 9 > b.length) break;
      return { format: 'jpeg', height: b.readUInt16BE(offset + 5), width: b.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  throw truncated('JPEG', 'no frame header (SOF marker) before the end of the file');
}

function bmp(b: Buffer): ImageInfo {
  if (b.length < 26) throw truncated('BMP', 'the header is incomplete');
  if (b.readUInt32LE(2) > b.length) throw truncated('BMP', `its header announces ${b.readUInt32LE(2)} bytes, the file has ${b.length}`);
  return { format: 'bmp', width: Math.abs(b.readInt32LE(18)), height: Math.abs(b.readInt32LE(22)) };
}

function truncated(format: string, detail: string): UnsupportedContentError {
  return new UnsupportedContentError(`truncated or corrupt ${format}: ${detail}; expected a complete ${format} file`);
}

function describeStart(b: Buffer): string {
  if (b.length === 0) return 'nothing (the file is empty)';
  const head = b.subarray(0, 8);
  const text = head.toString('latin1');
  return /^[\x20-\x7e]+$/.test(text) ? JSON.stringify(text) : head.toString('hex').replace(/(..)/g, '$1 ').trim();
}
