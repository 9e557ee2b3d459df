/**
 * What the rehearsal sends the example pipeline and what it expects back, stage by stage, with the cold-start and
 * memory targets. The rest of bench/rehearsal/ reads only the stack; this file is where the example is known.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { compileTopology } from '../../toolkit/core/pipeline/compile';
import { definition as pipeline } from '../../functions/definition';
import { ATTR } from '../../toolkit/core/pipeline/attributes';
import ticket from '../../test/fixtures/images/ticket.json';
import type { FunctionRun, PublishedMessage, RehearsalMessage } from './rehearse';
import type { StackPlan } from './stack';

/** The texts the requests carry; each case is told apart by its correlation id. */
export const REHEARSAL_CASES = {
  text: { text: 'The app crashes every time I open the settings page on my phone. This is terrible.', lang: 'en', sentiment: 'negative', topic: 'bug' },
  /** The committed ticket PNG turned upside down: the onnx stage must say 180 and the ocr stage turn it upright. */
  png: { text: ticket.lines.join('\n'), orientation: '180' },
  /** The committed ticket JPEG, upright: the onnx stage must say 0 and the ocr stage read it as it is. */
  jpeg: { text: ticket.lines.join('\n'), orientation: '0' },
} as const;

/** Which case a message belongs to. */
export type CaseName = keyof typeof REHEARSAL_CASES;

/** Stages whose first request must be answered within 1.5 s of the process's start; the others within 4 s. */
export const LIGHT_ENTRY_POINTS: readonly string[] = ['language', 'ocrLanguage', 'nlp'];
/** Cold-start targets, ms from the process's start to its first answer. */
export const COLD_START_TARGET_MS = { light: 1_500, heavy: 4_000 } as const;
/** Resident memory after the first request, as a share of the function's available memory. */
export const RSS_TARGET_SHARE = 0.6;

/** The committed ticket images (test/fixtures/images). */
const fixture = (name: string): Buffer => readFileSync(join(__dirname, '..', '..', 'test', 'fixtures', 'images', name));

/** The ingress topic of the stack's environment and the three requests. */
export async function rehearsalIngress(plan: StackPlan): Promise<{ topic: string; requests: RehearsalMessage[] }> {
  const upsideDownPng = await sharp(fixture('ticket.png')).rotate(180).png().toBuffer();
  const prefix = plan.functions[0]?.serviceEnv['PIPELINE_PREFIX'] ?? '';
  const topology = compileTopology(pipeline, { project: plan.project, prefix });
  const topic = topology.topics[topology.ingress]?.name as string;
  const run = randomBytes(4).toString('hex');
  const ids = (name: CaseName) => ({ [ATTR.correlationId]: `rehearsal-${name}`, [ATTR.idempotencyKey]: `rehearsal-${name}-${run}` });
  const { text } = REHEARSAL_CASES;
  return {
    topic,
    requests: [
      { data: Buffer.from(JSON.stringify({ text: text.text })), attributes: ids('text') },
      { data: imageRequest(upsideDownPng), attributes: { ...ids('png'), ['contentType']: 'image/png' } },
      { data: imageRequest(fixture('ticket.jpg')), attributes: { ...ids('jpeg'), ['contentType']: 'image/jpeg' } },
    ],
  };
}

function imageRequest(bytes: Buffer): Buffer {
  return Buffer.from(JSON.stringify({ image: { data: bytes.toString('base64') } }));
}

/** What a function published for one case. */
function forCase(run: FunctionRun, name: CaseName): PublishedMessage[] {
  return run.published.filter((m) => m.attributes[ATTR.correlationId] === `rehearsal-${name}`);
}

function body(message: PublishedMessage | undefined): Record<string, unknown> {
  return message ? (JSON.parse(message.data.toString('utf8')) as Record<string, unknown>) : {};
}

/**
 * The functional checks: each stage published one result per case it was given, with the routing attributes its
 * downstream subscriptions filter on. Returns the problems found (empty when all is well).
 */
export function checkExample(runs: readonly FunctionRun[]): string[] {
  const problems: string[] = [];
  const expect = (condition: boolean, problem: string) => {
    if (!condition) problems.push(problem);
  };
  const byEntry = new Map(runs.map((run) => [run.entryPoint, run]));
  const { text, png, jpeg: jpg } = REHEARSAL_CASES;
  for (const entryPoint of Object.values(pipeline.stages).map((s) => s.entryPoint)) {
    const run = byEntry.get(entryPoint);
    if (!run) {
      problems.push(`${entryPoint}: never ran`);
      continue;
    }
    const cases = (entryPoint === 'language' || entryPoint === 'nlp' || entryPoint === 'classify' ? ['text'] : ['png', 'jpeg']) as CaseName[];
    for (const name of cases) {
      const out = forCase(run, name);
      expect(out.length === 1, `${entryPoint}: published ${out.length} messages for the ${name} request, expected 1`);
      const message = out[0];
      const attrs = message?.attributes ?? {};
      expect(attrs[ATTR.dlqReason] === undefined, `${entryPoint}: dead-lettered the ${name} request (${attrs[ATTR.dlqReason]}: ${attrs[ATTR.dlqError]})`);
      switch (entryPoint) {
        case 'language':
        case 'ocrLanguage':
          expect(attrs['lang'] === 'en', `${entryPoint}: lang attribute of the ${name} request is ${attrs['lang']}, expected en`);
          break;
        case 'nlp':
          expect(attrs['sentiment'] === text.sentiment, `nlp: sentiment attribute ${attrs['sentiment']}, expected ${text.sentiment}`);
          break;
        case 'classify':
          expect(attrs['topic'] === text.topic, `classify: topic attribute ${attrs['topic']}, expected ${text.topic}`);
          break;
        case 'onnx':
          expect(
            attrs['onnxLabel'] === (name === 'png' ? png.orientation : jpg.orientation),
            `onnx: onnxLabel of the ${name} request is ${attrs['onnxLabel']}, expected ${name === 'png' ? png.orientation : jpg.orientation}`,
          );
          break;
        case 'ocr': {
          const want = name === 'png' ? png.text : jpg.text;
          expect(body(message)['text'] === want, `ocr: read ${JSON.stringify(body(message)['text'])} from the ${name} request, expected ${JSON.stringify(want)}`);
          break;
        }
        default:
          problems.push(`${entryPoint}: no check for this stage in bench/rehearsal/example.ts`);
      }
    }
  }
  return problems;
}
