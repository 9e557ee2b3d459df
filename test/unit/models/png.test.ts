import { deflateSync } from 'node:zlib';
import { decodePng, encodePng, PNG_SIGNATURE } from '../../../functions/models/png';
import { UnsupportedContentError } from '../../../toolkit/core/runtime/errors';

/** Builds a PNG by hand from raw scanlines (filter byte included), to reach colour types and filters `encodePng` never writes. */
function handmade(width: number, height: number, depth: number, colorType: number, scanlines: number[][], extra: Buffer[] = [], interlace = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colorType;
  ihdr[12] = interlace;
  // Chunks framed here with an independent CRC implementation, so the decoder's CRC check is tested too.
  const chunk = (type: string, body: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
    return Buffer.concat([head, body, crc]);
  };
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), ...extra.map((e) => chunk(e.toString('latin1', 0, 4), e.subarray(4))), chunk('IDAT', deflateSync(Buffer.from(scanlines.flat()))), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('PNG codec', () => {
  it.each([1, 3, 4] as const)('round-trips a %i-channel 8-bit raster', (channels) => {
    // Prepare
    const width = 7;
    const height = 5;
    const data = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37) % 256);

    // Act
    const image = decodePng(encodePng({ width, height, data, channels }));

    // Assess
    expect([image.width, image.height]).toEqual([width, height]);
    for (let p = 0; p < width * height; p += 1) {
      const expected = channels === 1 ? [data[p], data[p], data[p], 255] : channels === 3 ? [data[p * 3], data[p * 3 + 1], data[p * 3 + 2], 255] : [...data.subarray(p * 4, p * 4 + 4)];
      expect([...image.data.subarray(p * 4, p * 4 + 4)]).toEqual(expected);
    }
  });

  it('undoes every row filter (sub, up, average, paeth)', () => {
    // Prepare: a 3×4 gray image, one row per filter, the raw values chosen so each filter matters.
    const rows = [
      [1, 10, 5, 5], // sub: 10, 15, 20
      [2, 1, 1, 1], // up: 11, 16, 21
      [3, 6, 5, 5], // average: 11 + 0/2... computed below
      [4, 0, 0, 0], // paeth
    ];
    const png = handmade(3, 4, 8, 0, rows);

    // Act
    const image = decodePng(png);
    const gray = [...Array(12).keys()].map((i) => image.data[i * 4]);

    // Assess: row 0 = 10,15,20; row 1 = 11,16,21; row 2: avg(left, up) + raw; row 3: paeth predictor of zeros copies its pick.
    const r2a = 6 + (0 + 11) / 2;
    const r2b = 5 + Math.floor((Math.floor(r2a) + 16) / 2);
    const r2c = 5 + Math.floor((r2b + 21) / 2);
    expect(gray.slice(0, 6)).toEqual([10, 15, 20, 11, 16, 21]);
    expect(gray.slice(6, 9)).toEqual([Math.floor(r2a), r2b, r2c]);
    expect(gray.slice(9, 12)).toEqual([Math.floor(r2a), r2b, r2c]);
  });

  it('expands palettes with transparency and low bit depths', () => {
    // Prepare: 2-bit palette image, 4 pixels: indices 0,1,2,3 in one byte; tRNS makes index 1 half transparent.
    const plte = Buffer.concat([Buffer.from('PLTE'), Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9])]);
    const trns = Buffer.concat([Buffer.from('tRNS'), Buffer.from([255, 128])]);
    const png = handmade(4, 1, 2, 3, [[0, 0b00011011]], [plte, trns]);

    // Act
    const image = decodePng(png);

    // Assess
    expect([...image.data]).toEqual([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 255, 9, 9, 9, 255]);
  });

  it('reads 16-bit samples and 1-bit gray', () => {
    // Prepare
    const sixteen = handmade(1, 1, 16, 2, [[0, 0x12, 0x34, 0xab, 0xcd, 0xff, 0xff]]);
    const oneBit = handmade(8, 1, 1, 0, [[0, 0b10100000]]);

    // Act
    const rgb = decodePng(sixteen);
    const bits = decodePng(oneBit);

    // Assess
    expect([...rgb.data]).toEqual([0x12, 0xab, 0xff, 255]);
    expect([...Array(8).keys()].map((i) => bits.data[i * 4])).toEqual([255, 0, 255, 0, 0, 0, 0, 0]);
  });

  it('reads Adam7-interlaced images', () => {
    // Prepare: a 2×2 gray interlaced image: pass 1 holds (0,0), pass 6 holds (1,0), pass 7 holds row 1.
    const png = handmade(2, 2, 8, 0, [[0, 40], [0, 50], [0, 60, 70]], [], 1);

    // Act
    const image = decodePng(png);

    // Assess
    expect([0, 1, 2, 3].map((i) => image.data[i * 4])).toEqual([40, 50, 60, 70]);
  });

  it.each([
    ['not a PNG', Buffer.from('GIF89a plus some bytes'), /not a PNG file/],
    ['truncated', encodePng({ width: 4, height: 4, data: new Uint8Array(16), channels: 1 }).subarray(0, 40), /truncated PNG/],
    ['without IEND', (() => { const p = encodePng({ width: 4, height: 4, data: new Uint8Array(16), channels: 1 }); return p.subarray(0, p.length - 12); })(), /truncated PNG: the file ends before the IEND chunk/],
  ])('refuses a file that is %s', (_name, bytes, message) => {
    expect(() => decodePng(bytes)).toThrow(UnsupportedContentError);
    expect(() => decodePng(bytes)).toThrow(message);
  });

  it('refuses a chunk whose CRC does not match', () => {
    // Prepare: flip one byte of the IDAT body.
    const png = encodePng({ width: 4, height: 4, data: new Uint8Array(16).fill(200), channels: 1 });
    png[png.indexOf('IDAT') + 6] ^= 0xff;

    // Act / Assess
    expect(() => decodePng(png)).toThrow(/corrupt PNG: the IDAT chunk at byte \d+ fails its CRC check/);
  });

  it('refuses an image over the pixel limit before inflating it', () => {
    // Prepare
    const png = encodePng({ width: 100, height: 100, data: new Uint8Array(10_000), channels: 1 });

    // Act / Assess
    expect(() => decodePng(png, { maxPixels: 9_999 })).toThrow('image too large: 100×100 = 10000 pixels; expected at most 9999');
  });
});
