/**
 * Test images: the committed fixtures of test/fixtures/images (a support ticket set in a real font, as PNG and JPEG)
 * and variants made from them by sharp inside the tests (turned, re-encoded, cut short, enlarged).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import ticket from '../fixtures/images/ticket.json';

const FIXTURES = join(__dirname, '..', 'fixtures', 'images');

/** The ticket's text as Tesseract returns it: its lines joined by `\n`. */
export const TICKET_TEXT = ticket.lines.join('\n');

/** A committed fixture image's bytes. */
export function fixtureImage(name: 'ticket.png' | 'ticket.jpg'): Buffer {
  return readFileSync(join(FIXTURES, name));
}

/** Formats the tests re-encode into. */
export type TestFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' | 'avif';

/** The image re-encoded as `format`, turned `degrees` clockwise first when asked. */
export async function reencoded(bytes: Buffer, format: TestFormat, degrees = 0): Promise<Buffer> {
  const image = degrees ? sharp(bytes).rotate(degrees) : sharp(bytes);
  return image.toFormat(format).toBuffer();
}

/**
 * A JPEG whose pixels are stored turned `stored` degrees from upright, with the EXIF orientation tag that tells a
 * viewer to turn it back (3 for 180°, 6 for 90°, 8 for 270°), as a phone camera writes them.
 */
export async function jpegWithExifOrientation(bytes: Buffer, stored: 90 | 180 | 270): Promise<Buffer> {
  // Stored turned clockwise by `stored` means the viewer must turn it back: 90° → tag 8, 270° → tag 6.
  const orientation = { 90: 8, 180: 3, 270: 6 }[stored];
  return sharp(bytes).rotate(stored).jpeg().withMetadata({ orientation }).toBuffer();
}

/** A small grey image whose top half is black and bottom half white, to tell which way up it was turned. */
export function topDarkPng(width = 8, height = 4): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height, 255);
  pixels.fill(0, 0, (width * height) / 2);
  return sharp(pixels, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

/** The grey value of an image's top-left pixel, decoded by sharp. */
export async function topLeftGrey(bytes: Buffer): Promise<number> {
  const { data } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  return data[0] as number;
}

/**
 * A PNG whose header claims `width`×`height` (IHDR rewritten, its CRC recomputed) over a tiny image's pixel data: a
 * decoder that trusted it would fail on the data, so a refusal for its size shows it was refused from the header.
 */
export async function pngClaimingSize(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await topDarkPng(8, 4));
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  // The IHDR chunk's CRC covers its type and data: bytes 12..29.
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}
