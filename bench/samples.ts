/**
 * The messages the benchmark sends: realistic support-ticket texts in English and other languages, and small
 * the committed ticket images (JPEG and PNG), shaped as each stage's input (what the stage before it publishes) with the attributes its
 * subscription filter expects.
 */
import { ATTR } from '../toolkit/core/pipeline/attributes';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** English support tickets of several topics and tones (the classify stage's domain). */
export const ENGLISH_TEXTS: readonly string[] = [
  'I was charged twice for my subscription this month, please refund the second payment.',
  'The app crashes every time I open the settings page on my phone.',
  'I cannot log in to my account since I changed my password yesterday.',
  'Thank you so much, the new dashboard is wonderful and works perfectly.',
  'Where can I find the invoice for my last order? I need it for my records.',
  'After the latest update the export button does nothing and no file is created.',
  'Please delete my account and all the data you keep about me.',
  'Your support team was fast and friendly, I really appreciate the help.',
  'The price on the website does not match what I was billed on my credit card.',
  'Uploading a picture fails with an error message that says something went wrong.',
  'How do I change the e-mail address connected to my profile?',
  'Great product, it saves me hours every week. Keep up the good work!',
  'This is terrible, the service has been down all morning and nobody answers.',
  'I would like to know whether you ship to Canada and how long delivery takes.',
  'The page loads forever and then shows a blank screen in Firefox.',
  'My two-factor code never arrives, so I am locked out of my account.',
];

/** Texts in other languages (they leave the text path after the language stage). */
export const OTHER_TEXTS: readonly string[] = [
  'Bonjour, je voudrais réserver une table pour deux personnes ce soir au restaurant.',
  'Guten Morgen, ich möchte gerne wissen, wann der nächste Zug nach Berlin abfährt.',
  'Hola, ¿podrías decirme dónde está la estación de tren más cercana, por favor?',
  'Buongiorno, vorrei sapere se il museo è aperto anche la domenica pomeriggio.',
];

/** A message as the benchmark publishes or pushes it. */
export interface SampleMessage {
  readonly data: Buffer;
  readonly attributes: Record<string, string>;
}

/** The `i`-th English text, made unique so that content-based deduplication never merges two messages. */
export function englishText(i: number): string {
  return `${ENGLISH_TEXTS[i % ENGLISH_TEXTS.length]} (ticket ${i})`;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

const language = { code: 'en', confidence: 0.99, reliable: true, proportion: 1 };
const nlp = { sentiment: { score: 0.2, label: 'positive' }, entities: {}, sentenceCount: 1, tokenCount: 18 };

/** The image samples: a few lines of a support ticket, as JPEG and as PNG (test/fixtures/images). */
export const IMAGE_SAMPLES = [
  { file: 'ticket.jpg', contentType: 'image/jpeg' },
  { file: 'ticket.png', contentType: 'image/png' },
] as const;

let imageFiles: Buffer[] | undefined;
/** The bytes of `IMAGE_SAMPLES`, in their order (read once). */
export function imageSampleFiles(): readonly Buffer[] {
  imageFiles ??= IMAGE_SAMPLES.map((sample) => readFileSync(join(__dirname, '..', 'test', 'fixtures', 'images', sample.file)));
  return imageFiles;
}

let imageData: string[] | undefined;
/** The `i`-th image sample, base64: JPEG and PNG in turn. */
function sampleImage(i: number): { data: string; contentType: string } {
  imageData ??= imageSampleFiles().map((bytes) => bytes.toString('base64'));
  const k = i % IMAGE_SAMPLES.length;
  return { data: imageData[k] as string, contentType: IMAGE_SAMPLES[k]?.contentType as string };
}

/**
 * The `i`-th input of `stage`: what its upstream stage would have published, with the routing attributes its
 * subscription filter checks. `undefined` for a stage this file does not know (the benchmark then says so).
 */
export function stageSample(stage: string, i: number): SampleMessage | undefined {
  const id = `bench-${i}`;
  switch (stage) {
    case 'language':
    case 'ocrLanguage':
      return { data: json({ text: i % 4 === 3 ? `${OTHER_TEXTS[i % OTHER_TEXTS.length]} (${i})` : englishText(i), id }), attributes: {} };
    case 'nlp':
      return { data: json({ text: englishText(i), id, language }), attributes: { lang: 'en' } };
    case 'classify':
      return { data: json({ text: englishText(i), id, language, nlp }), attributes: { lang: 'en' } };
    case 'onnx':
    case 'ocr': {
      const image = sampleImage(i);
      return { data: json({ image: { data: image.data }, id }), attributes: { contentType: image.contentType } };
    }
    default:
      return undefined;
  }
}

/** The `i`-th message published to the ingress topic for the text-path pipeline run (every one is English). */
export function ingressTextMessage(i: number): SampleMessage {
  return { data: json({ text: englishText(i), id: `pipeline-${i}` }), attributes: { [ATTR.correlationId]: `bench-${i}` } };
}
