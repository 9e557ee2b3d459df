import sharp, { type CreateRaw } from 'sharp';
import { decoded, describeContent, inspectImage, openImage, uprightGreyPng } from '../../../functions/models/image-decoder';
import { UnsupportedContentError } from '../../../toolkit/core/runtime/errors';
import { fixtureImage, jpegWithExifOrientation, pngClaimingSize, reencoded, topDarkPng, topLeftGrey } from '../../support/images';

const limits = { maxPixels: 1_000_000 };

describe('inspectImage', () => {
  it.each(['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif'] as const)('recognises %s from its bytes and reads its size', async (format) => {
    // Prepare
    const bytes = await reencoded(fixtureImage('ticket.png'), format);

    // Act
    const info = await inspectImage(bytes, limits);

    // Assess
    expect(info).toEqual({ format, width: 800, height: 210, orientation: 1, pages: 1 });
  });

  it('reports the size after the EXIF orientation', async () => {
    // Prepare: stored sideways, tagged to be turned back.
    const jpeg = await jpegWithExifOrientation(fixtureImage('ticket.png'), 90);

    // Act
    const info = await inspectImage(jpeg, limits);

    // Assess
    expect(info).toMatchObject({ format: 'jpeg', width: 800, height: 210, orientation: 8 });
  });

  it('refuses an image over the pixel limit from its header alone, before decoding', async () => {
    // Prepare: the header says 40000×30000; the data behind it is 32 pixels (decoding would fail, not refuse).
    const bomb = await pngClaimingSize(40_000, 30_000);

    // Act / Assess
    await expect(inspectImage(bomb, { maxPixels: 25_000_000 })).rejects.toThrow('image too large: the PNG is 40000×30000 = 1200000000 pixels; expected at most 25000000');
  });

  it.each([
    ['text', Buffer.from('hello, not an image'), /not a supported image: the bytes start with "hello, n" \(.*\); expected a JPEG, PNG, WebP, GIF, TIFF or AVIF file/],
    ['an empty file', Buffer.alloc(0), /not a supported image: the file is empty/],
    ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'), /not a supported image: found a PDF document/],
    ['a ZIP archive', Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'), /found a ZIP archive/],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), /unsupported image format SVG; expected a JPEG, PNG/],
  ])('refuses %s with UnsupportedContentError naming what it found', async (_name, bytes, message) => {
    await expect(inspectImage(bytes, limits)).rejects.toThrow(UnsupportedContentError);
    await expect(inspectImage(bytes, limits)).rejects.toThrow(message);
  });
});

describe('openImage and decoded', () => {
  it('fails a truncated JPEG instead of decoding it to grey', async () => {
    // Prepare: the header is intact, the scan data is cut.
    const cut = fixtureImage('ticket.jpg').subarray(0, 6000);
    const info = await inspectImage(cut, limits);

    // Act
    const decoding = decoded(openImage(cut, limits).raw().toBuffer(), info);

    // Assess
    await expect(decoding).rejects.toThrow(UnsupportedContentError);
    await expect(decoded(openImage(cut, limits).raw().toBuffer(), info)).rejects.toThrow(/^truncated or corrupt JPEG: .+; expected a complete JPEG file$/);
  });

  it('decodes the first frame of an animated GIF', async () => {
    // Prepare: two 4×4 frames, black then white.
    const frames = Buffer.concat([Buffer.alloc(16, 0), Buffer.alloc(16, 255)]);
    const gif = await sharp(frames, { raw: { width: 4, height: 8, channels: 1, pageHeight: 4 } as CreateRaw }).gif().toBuffer();
    const info = await inspectImage(gif, limits);

    // Act
    const { data, info: out } = await decoded(openImage(gif, limits).greyscale().raw().toBuffer({ resolveWithObject: true }), info);

    // Assess
    expect(info.pages).toBe(2);
    expect([out.width, out.height]).toEqual([4, 4]);
    expect([...data]).toEqual(Array(16).fill(0));
  });

  it('enforces the pixel limit again while decoding', async () => {
    // Prepare
    const png = fixtureImage('ticket.png');
    const info = await inspectImage(png, limits);

    // Act / Assess
    await expect(decoded(openImage(png, { maxPixels: 1000 }).raw().toBuffer(), info)).rejects.toThrow(/^image too large: .*pixel limit/);
  });
});

describe('uprightGreyPng', () => {
  it.each([
    [0, 0],
    [180, 255],
  ])('turns the image %i° after the EXIF orientation', async (degrees, topLeft) => {
    // Prepare: top half black, stored upside down with EXIF orientation 3.
    const jpeg = await jpegWithExifOrientation(await topDarkPng(16, 8), 180);
    const info = await inspectImage(jpeg, limits);

    // Act
    const png = await uprightGreyPng(jpeg, info, { ...limits, rotateDegrees: degrees });

    // Assess
    const metadata = await sharp(png).metadata();
    expect(metadata).toMatchObject({ format: 'png', channels: 1, width: 16, height: 8 });
    expect(Math.abs((await topLeftGrey(png)) - topLeft)).toBeLessThan(30);
  });
});

describe('describeContent', () => {
  it('shows unreadable first bytes in hex', () => {
    expect(describeContent(Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]))).toBe('the bytes start with 00 01 02 fa fb fc fd fe');
  });
});
