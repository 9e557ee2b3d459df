/**
 * The ocr stage with real Tesseract (tesseract.js, wasm, the English model from @tesseract.js-data/eng): it reads
 * back text rendered into PNGs by the test, inline and from gs://, upright and, with the real orientation stage in
 * front of it, upside down; and it refuses images it cannot read with a precise reason.
 */
import { loadOcrEngine, shutdownOcrEngine } from '../../../functions/models/ocr-engine';
import { createGcsClient } from '../../../functions/models/cloud-storage';
import { encodePng } from '../../../functions/models/png';
import { UnsupportedContentError } from '../../../toolkit/core/runtime/errors';
import { handleOcr, type OcrDeps } from '../../../functions/stages/ocr/handler';
import { parseOcrConfig } from '../../../functions/stages/ocr/config';
import { loadOnnxDeps } from '../../../functions/stages/onnx';
import { handleOnnx } from '../../../functions/stages/onnx/handler';
import type { OnnxDeps } from '../../../functions/stages/onnx/handler';
import { renderTextPng } from '../../fixtures/stages/text-image';
import { startFakeGcsDownload, type FakeGcsDownload } from '../../support/fake-gcs-download';
import { stageContext } from '../../unit/stages/context';
import { useNodeTypedArrays } from './node-typed-arrays';

useNodeTypedArrays();
jest.setTimeout(120_000);

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

  it.each(['MY APP CRASHES ON LOGIN', 'PLEASE REFUND MY ORDER 1234', 'THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG'])('reads back "%s" from an inline PNG', async (text) => {
    // Act
    const output = await handleOcr({ image: { data: renderTextPng(text).toString('base64') } }, stageContext(ocrDeps));

    // Assess
    expect(output.data.text).toBe(text);
    expect(output.data.metadata?.['ocrConfidence']).toBeGreaterThan(0.7);
  });

  it('reads two lines of a PNG fetched from gs://', async () => {
    // Prepare
    gcs.put('scans', 'tickets/two-lines.png', renderTextPng('I WAS CHARGED TWICE\nPLEASE REFUND ME'));

    // Act
    const output = await handleOcr({ image: { uri: 'gs://scans/tickets/two-lines.png' } }, stageContext(ocrDeps));

    // Assess
    expect(output.data.text).toBe('I WAS CHARGED TWICE\nPLEASE REFUND ME');
    expect(output.data.metadata?.['ocrSource']).toBe('gs://scans/tickets/two-lines.png');
  });

  it('reads an upside-down image after the onnx stage found its orientation, and not without it', async () => {
    // Prepare
    const text = 'MY PASSWORD RESET EMAIL NEVER ARRIVES';
    const request = { image: { data: renderTextPng(text, { upsideDown: true }).toString('base64') } };

    // Act
    const oriented = await handleOnnx(request, stageContext(onnxDeps));
    const read = await handleOcr(oriented.data, stageContext(ocrDeps));
    const unread = await handleOcr(request, stageContext(ocrDeps));

    // Assess
    expect(oriented.data.onnx).toMatchObject({ label: '180' });
    expect(read.data.text).toBe(text);
    expect(read.data.metadata?.['ocrRotatedDegrees']).toBe(180);
    expect(unread.data.text).not.toBe(text);
  });

  it.each([
    ['a blank image', encodePng({ width: 200, height: 60, data: new Uint8Array(200 * 60).fill(255), channels: 1 }), /no text found in the PNG image \(200×60\)/],
    ['a PNG whose pixel data is cut off', (() => { const p = renderTextPng('HELLO'); return Buffer.concat([p.subarray(0, 60), p.subarray(p.length - 12)]); })(), /truncated or corrupt PNG|Tesseract could not read/],
    ['a text file', Buffer.from('this is not an image'), /not a supported image/],
  ])('refuses %s with UnsupportedContentError', async (_name, bytes, message) => {
    // Act
    const reading = handleOcr({ image: { data: bytes.toString('base64') } }, stageContext(ocrDeps));

    // Assess
    await expect(reading).rejects.toThrow(UnsupportedContentError);
    await expect(handleOcr({ image: { data: bytes.toString('base64') } }, stageContext(ocrDeps))).rejects.toThrow(message);
  });

  it('still reads images after refusing a bad one (the worker survives)', async () => {
    // Prepare: straight to the engine, bypassing the format check, so Tesseract itself sees garbage.
    const engine = await loadOcrEngine();
    await expect(engine.recognize(Buffer.from('garbage, not an image'))).rejects.toBeDefined();

    // Act
    const after = await engine.recognize(renderTextPng('STILL WORKING'));

    // Assess
    expect(after.text).toBe('STILL WORKING');
  });
});
