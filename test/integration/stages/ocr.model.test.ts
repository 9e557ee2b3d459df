/**
 * The ocr stage with real Tesseract (tesseract.js, wasm, the English model from @tesseract.js-data/eng): it reads
 * back the committed ticket images in every accepted format, inline and from gs://, upright and, with the real
 * orientation stage in front of it, upside down; and it refuses images it cannot read with a precise reason.
 */
import sharp from 'sharp';
import { loadOcrEngine, shutdownOcrEngine } from '../../../functions/models/ocr-engine';
import { createGcsClient } from '../../../functions/models/cloud-storage';
import { UnsupportedContentError } from '../../../toolkit/core/runtime/errors';
import { handleOcr, type OcrDeps } from '../../../functions/stages/ocr/handler';
import { parseOcrConfig } from '../../../functions/stages/ocr/config';
import { loadOnnxDeps } from '../../../functions/stages/onnx';
import { handleOnnx } from '../../../functions/stages/onnx/handler';
import type { OnnxDeps } from '../../../functions/stages/onnx/handler';
import { startFakeGcsDownload, type FakeGcsDownload } from '../../support/fake-gcs-download';
import { fixtureImage, jpegWithExifOrientation, reencoded, TICKET_TEXT } from '../../support/images';
import { stageContext } from '../../unit/stages/context';
import { useNodeTypedArrays } from './node-typed-arrays';

useNodeTypedArrays();
jest.setTimeout(120_000);

const inline = (bytes: Buffer): { image: { data: string } } => ({ image: { data: bytes.toString('base64') } });

describe('ocr with real Tesseract', () => {
  let gcs: FakeGcsDownload;
  let ocrDeps: OcrDeps;
  let onnxDeps: OnnxDeps;
  const savedHost = process.env['STORAGE_EMULATOR_HOST'];

  beforeAll(async () => {
    gcs = await startFakeGcsDownload();
    process.env['STORAGE_EMULATOR_HOST'] = gcs.host;
    ocrDeps = { ocr: await loadOcrEngine(), gcs: createGcsClient(), config: parseOcrConfig({}) };
    onnxDeps = await loadOnnxDeps({});
  });

  afterAll(async () => {
    if (savedHost === undefined) delete process.env['STORAGE_EMULATOR_HOST'];
    else process.env['STORAGE_EMULATOR_HOST'] = savedHost;
    await gcs?.close();
    await shutdownOcrEngine();
  });

  it.each(['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif'] as const)('reads the ticket back from an inline %s image', async (format) => {
    // Prepare
    const bytes = format === 'png' ? fixtureImage('ticket.png') : format === 'jpeg' ? fixtureImage('ticket.jpg') : await reencoded(fixtureImage('ticket.png'), format);

    // Act
    const output = await handleOcr(inline(bytes), stageContext(ocrDeps));

    // Assess
    expect(output.data.text).toBe(TICKET_TEXT);
    expect(output.data.metadata?.['ocrConfidence']).toBeGreaterThan(0.7);
  });

  it('reads a JPEG fetched from gs://', async () => {
    // Prepare
    gcs.put('scans', 'tickets/ticket.jpg', fixtureImage('ticket.jpg'));

    // Act
    const output = await handleOcr({ image: { uri: 'gs://scans/tickets/ticket.jpg' } }, stageContext(ocrDeps));

    // Assess
    expect(output.data.text).toBe(TICKET_TEXT);
    expect(output.data.metadata?.['ocrSource']).toBe('gs://scans/tickets/ticket.jpg');
  });

  it('reads a phone-style JPEG stored sideways with its EXIF orientation', async () => {
    // Act
    const output = await handleOcr(inline(await jpegWithExifOrientation(fixtureImage('ticket.png'), 90)), stageContext(ocrDeps));

    // Assess
    expect(output.data.text).toBe(TICKET_TEXT);
  });

  it.each(['jpeg', 'png'] as const)('reads an upside-down %s after the onnx stage found its orientation, and not without it', async (format) => {
    // Prepare
    const request = inline(await reencoded(fixtureImage('ticket.png'), format, 180));

    // Act
    const oriented = await handleOnnx(request, stageContext(onnxDeps));
    const read = await handleOcr(oriented.data, stageContext(ocrDeps));
    const unread = await handleOcr(request, stageContext(ocrDeps)).catch((error: unknown) => error);

    // Assess
    expect(oriented.data.onnx).toMatchObject({ label: '180' });
    expect(read.data.text).toBe(TICKET_TEXT);
    expect(read.data.metadata?.['ocrRotatedDegrees']).toBe(180);
    expect(unread).not.toMatchObject({ data: { text: TICKET_TEXT } });
  });

  it.each([
    ['a blank image', () => sharp({ create: { width: 200, height: 60, channels: 3, background: '#ffffff' } }).png().toBuffer(), /no text found in the PNG image \(200×60\)/],
    ['a truncated JPEG', async () => fixtureImage('ticket.jpg').subarray(0, 8000), /truncated or corrupt JPEG/],
    ['a text file', async () => Buffer.from('this is not an image'), /not a supported image/],
  ])('refuses %s with UnsupportedContentError', async (_name, make, message) => {
    // Prepare
    const bytes = await make();

    // Act
    const reading = handleOcr(inline(bytes), stageContext(ocrDeps));

    // Assess
    await expect(reading).rejects.toThrow(UnsupportedContentError);
    await expect(handleOcr(inline(bytes), stageContext(ocrDeps))).rejects.toThrow(message);
  });

  it('still reads images after Tesseract was handed garbage (the worker survives)', async () => {
    // Prepare: straight to the engine, bypassing the decoder, so Tesseract itself sees garbage.
    const engine = await loadOcrEngine();
    await expect(engine.recognize(Buffer.from('garbage, not an image'))).rejects.toBeDefined();

    // Act
    const after = await engine.recognize(fixtureImage('ticket.png'));

    // Assess
    expect(after.text).toBe(TICKET_TEXT);
  });
});
