import { crc32 } from 'node:zlib';

/** Bytes of the PNG signature plus the IHDR chunk (length, type, 13 bytes of data, CRC). */
const AFTER_IHDR = 8 + 4 + 4 + 13 + 4;

/**
 * The same image as another file: a PNG with a `tEXt` comment chunk inserted after its header. Every pixel is
 * the same, so OCR reads the same text, but the bytes (and their hash) differ, as with the same scan saved twice
 * by different software.
 */
export function pngVariant(png: Buffer, comment: string): Buffer {
  if (png.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error('pngVariant: expected a PNG whose first chunk is IHDR');
  const body = Buffer.concat([Buffer.from('tEXt', 'latin1'), Buffer.from(`Comment\0${comment}`, 'latin1')]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length - 4);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([png.subarray(0, AFTER_IHDR), length, body, crc, png.subarray(AFTER_IHDR)]);
}
