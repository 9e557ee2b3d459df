import { inspectImage } from '../../../functions/models/image-format';
import { encodePng } from '../../../functions/models/png';
import { UnsupportedContentError } from '../../../toolkit/core/runtime/errors';

const png = encodePng({ width: 30, height: 20, data: new Uint8Array(600).fill(255), channels: 1 });

/** The smallest JPEG structure the inspector reads: SOI, an APP0 segment, SOF0 with the size, EOI. */
function jpeg(width: number, height: number, end = true): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x04, 0x00, 0x00]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x01, 0x01, 0x11, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0x00, 0x01, 0x02]), end ? Buffer.from([0xff, 0xd9]) : Buffer.alloc(0)]);
}

function bmp(width: number, height: number, declaredSize?: number): Buffer {
  const b = Buffer.alloc(58);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(declaredSize ?? b.length, 2);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(-height, 22);
  return b;
}

describe('inspectImage', () => {
  const limits = { maxPixels: 1_000_000 };

  it.each([
    ['PNG', png, { format: 'png', width: 30, height: 20 }],
    ['JPEG', jpeg(640, 480), { format: 'jpeg', width: 640, height: 480 }],
    ['BMP (top-down)', bmp(12, 34), { format: 'bmp', width: 12, height: 34 }],
    ['WebP', Buffer.concat([Buffer.from('RIFF'), Buffer.from([4, 0, 0, 0]), Buffer.from('WEBP')]), { format: 'webp' }],
    ['PGM', Buffer.from('P5\n2 2\n255\n\x00\x00\x00\x00', 'latin1'), { format: 'pnm' }],
  ])('recognises %s and reads its size', (_name, bytes, expected) => {
    expect(inspectImage(bytes, limits)).toEqual(expected);
  });

  it.each([
    ['text', Buffer.from('hello, not an image'), /not a supported image: the bytes start with "hello, n"; expected a PNG, JPEG, BMP, WebP or PNM file/],
    ['an empty file', Buffer.alloc(0), /nothing \(the file is empty\)/],
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), /unsupported image format GIF; expected a PNG, JPEG, BMP, WebP or PNM file/],
    ['a PDF', Buffer.from('%PDF-1.7 ...'), /unsupported image format PDF/],
    ['a truncated PNG', png.subarray(0, png.length - 20), /truncated or corrupt PNG/],
    ['a JPEG without its end marker', jpeg(10, 10, false), /truncated or corrupt JPEG: the end-of-image marker \(FF D9\) is missing/],
    ['a BMP shorter than its header says', bmp(4, 4, 5000), /truncated or corrupt BMP: its header announces 5000 bytes, the file has 58/],
    ['a JPEG of too many pixels', jpeg(2000, 1000), /image too large: 2000×1000 = 2000000 pixels; expected at most 1000000/],
  ])('refuses %s with UnsupportedContentError', (_name, bytes, message) => {
    expect(() => inspectImage(bytes, limits)).toThrow(UnsupportedContentError);
    expect(() => inspectImage(bytes, limits)).toThrow(message);
  });

  it('refuses a format outside the allowed list', () => {
    expect(() => inspectImage(jpeg(10, 10), { ...limits, formats: ['png'] })).toThrow('unsupported image format JPEG; expected PNG');
  });
});
