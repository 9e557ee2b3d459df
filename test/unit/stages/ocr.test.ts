import type { OcrEngine } from '../../../functions/models/ocr-engine';
import { RetryableError, UnsupportedContentError } from '../../../toolkit/core/runtime/errors';
import { parseOcrConfig, type OcrConfig } from '../../../functions/stages/ocr/config';
import { handleOcr, type OcrDeps } from '../../../functions/stages/ocr/handler';
import { ocrInputSchema, type OcrInput } from '../../../functions/stages/ocr/schema';
import { textRequestSchema } from '../../../functions/stages/text-request';
import { fixtureImage, jpegWithExifOrientation, reencoded, topDarkPng, topLeftGrey } from '../../support/images';
import { fakeGcsClient } from './fake-gcs-client';
import { stageContext } from './context';

const config: OcrConfig = { images: { maxBytes: 1_000_000, maxPixels: 1_000_000 }, orientationMinScore: 0.9 };

/** A fake engine that answers `text` and keeps every image it was given. */
function fakeEngine(text: string, fail?: Error): OcrEngine & { images: Buffer[] } {
  const images: Buffer[] = [];
  return {
    images,
    async recognize(image) {
      images.push(image);
      if (fail) throw fail;
      return { text, confidence: 0.87 };
    },
  };
}

function deps(ocr: OcrEngine, objects: Record<string, Buffer> = {}): OcrDeps {
  return { ocr, gcs: fakeGcsClient(objects), config };
}

let png: Buffer;
let inline: OcrInput;

beforeAll(async () => {
  png = await topDarkPng(8, 4);
  inline = { image: { data: png.toString('base64') }, id: 'img-1', metadata: { customer: 'c-9' } };
});

describe('handleOcr', () => {
  it('passes the text on as a text request, keeping id and metadata and adding the OCR details', async () => {
    // Prepare
    const engine = fakeEngine('MY APP CRASHES ON LOGIN');

    // Act
    const output = await handleOcr(inline, stageContext(deps(engine)));

    // Assess
    expect(output.data).toEqual({
      text: 'MY APP CRASHES ON LOGIN',
      id: 'img-1',
      metadata: { customer: 'c-9', ocrConfidence: 0.87, ocrSource: 'inline', ocrRotatedDegrees: 0 },
    });
    expect(textRequestSchema.safeParse(output.data).success).toBe(true);
    expect(engine.images).toHaveLength(1);
    expect(await topLeftGrey(engine.images[0] as Buffer)).toBe(0);
  });

  it('names the gs:// source of an image read from Cloud Storage', async () => {
    // Act
    const output = await handleOcr({ image: { uri: 'gs://scans/t.png' } }, stageContext(deps(fakeEngine('HELLO'), { 'scans/t.png': png })));

    // Assess
    expect(output.data.metadata).toEqual({ ocrConfidence: 0.87, ocrSource: 'gs://scans/t.png', ocrRotatedDegrees: 0 });
    expect(output.data).not.toHaveProperty('id');
  });

  it.each(['jpeg', 'webp', 'gif', 'tiff', 'avif'] as const)('hands Tesseract a decoded PNG of a %s image', async (format) => {
    // Prepare
    const engine = fakeEngine('TEXT');
    const bytes = await reencoded(fixtureImage('ticket.png'), format);

    // Act
    await handleOcr({ image: { data: bytes.toString('base64') } }, stageContext(deps(engine)));

    // Assess: a PNG signature, and the ticket's white margin at the top left.
    expect((engine.images[0] as Buffer).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(await topLeftGrey(engine.images[0] as Buffer)).toBeGreaterThan(240);
  });

  it.each([
    [{ model: 'cls', label: '180', score: 0.99, scores: { '0': 0.01, '180': 0.99 } }, 180],
    [{ model: 'cls', label: '180', score: 0.6, scores: { '0': 0.4, '180': 0.6 } }, 0],
    [{ model: 'cls', label: '0', score: 1, scores: { '0': 1, '180': 0 } }, 0],
    [{ model: 'cls', label: 'cat', score: 1, scores: { cat: 1 } }, 0],
  ])('turns the image by the onnx finding %j → %i°', async (onnx, degrees) => {
    // Prepare
    const engine = fakeEngine('TEXT');

    // Act
    const output = await handleOcr({ ...inline, onnx }, stageContext(deps(engine)));

    // Assess: the top half is black unless the image was turned over.
    expect(await topLeftGrey(engine.images[0] as Buffer)).toBe(degrees === 180 ? 255 : 0);
    expect(output.data.metadata?.['ocrRotatedDegrees']).toBe(degrees);
  });

  it('applies the EXIF orientation of a JPEG before anything else', async () => {
    // Prepare: pixels stored upside down, with the tag that says so.
    const engine = fakeEngine('TEXT');
    const jpeg = await jpegWithExifOrientation(png, 180);

    // Act
    await handleOcr({ image: { data: jpeg.toString('base64') } }, stageContext(deps(engine)));

    // Assess
    expect(await topLeftGrey(engine.images[0] as Buffer)).toBeLessThan(30);
  });

  it.each([
    ['not an image', { image: { data: Buffer.from('plain text, no image').toString('base64') } }, fakeEngine('X'), /not a supported image/],
    ['a truncated PNG', 'TRUNCATED', fakeEngine('X'), /truncated or corrupt PNG/],
    ['an image without text', 'INLINE', fakeEngine(''), /no text found in the PNG image \(8×4\)/],
  ])('dead-letters %s with UnsupportedContentError', async (_name, which, engine, message) => {
    // Prepare
    const input = which === 'INLINE' ? inline : which === 'TRUNCATED' ? { image: { data: fixtureImage('ticket.png').subarray(0, 3000).toString('base64') } } : (which as OcrInput);

    // Act
    const handling = handleOcr(input, stageContext(deps(engine)));

    // Assess
    await expect(handling).rejects.toThrow(UnsupportedContentError);
    await expect(handleOcr(input, stageContext(deps(engine)))).rejects.toThrow(message);
  });

  it('leaves engine failures to be retried', async () => {
    const handling = handleOcr(inline, stageContext(deps(fakeEngine('', new Error('worker exited')))));
    await expect(handling).rejects.toThrow(RetryableError);
    await expect(handleOcr(inline, stageContext(deps(fakeEngine('', new Error('worker exited')))))).rejects.toThrow('OCR failed: worker exited');
  });

  it('refuses an image over the pixel limit before OCR', async () => {
    // Prepare
    const engine = fakeEngine('X');
    const small = { ...deps(engine), config: { ...config, images: { ...config.images, maxPixels: 31 } } };

    // Act / Assess
    await expect(handleOcr(inline, stageContext(small))).rejects.toThrow('image too large: the PNG is 8×4 = 32 pixels; expected at most 31');
    expect(engine.images).toEqual([]);
  });
});

describe('ocrInputSchema', () => {
  it('accepts image requests with or without the onnx finding, and nothing else', () => {
    expect(ocrInputSchema.safeParse(inline).success).toBe(true);
    expect(ocrInputSchema.safeParse({ ...inline, onnx: { model: 'm', label: '0', score: 1, scores: { '0': 1 } } }).success).toBe(true);
    expect(ocrInputSchema.safeParse({ text: 'a text request' }).success).toBe(false);
  });
});

describe('parseOcrConfig', () => {
  it('defaults to PaddleOCR’s 0.9 orientation threshold', () => {
    expect(parseOcrConfig({}).orientationMinScore).toBe(0.9);
  });

  it('fails fast on a threshold outside 0..1', () => {
    expect(() => parseOcrConfig({ OCR_ORIENTATION_MIN_SCORE: '1.5' })).toThrow(/OCR_ORIENTATION_MIN_SCORE must be between 0 and 1/);
  });
});
