import { z } from 'zod';
import { decodePayload } from '../../../toolkit/core/runtime/decode';
import { EmptyDataError, InvalidEncodingError, InvalidInputError, InvalidJsonError, type PipelineError } from '../../../toolkit/core/runtime/errors';
import fixtures from '../../fixtures/runtime/payloads.json';

/** A payload (base64 in the fixture) and either the decoded value or the error it must raise. */
interface PayloadCase {
  readonly name: string;
  readonly dataBase64: string;
  readonly expected?: unknown;
  readonly error?: keyof typeof ERROR_CLASSES;
  readonly code?: string;
  readonly fragments?: readonly string[];
}

const ERROR_CLASSES = { EmptyDataError, InvalidEncodingError, InvalidJsonError, InvalidInputError } as const;
const cases = fixtures as readonly PayloadCase[];
const schema = z.object({ text: z.string() }).strict();
const EXPECTS = 'JSON {"text": string}';

/** Runs `decodePayload` and returns what it threw; fails the test if it decoded. */
function decodeErrorOf(data: Buffer): PipelineError {
  try {
    decodePayload(data, schema, EXPECTS);
  } catch (error) {
    return error as PipelineError;
  }
  throw new Error(`expected ${data.toString('base64')} to be refused`);
}

describe('decodePayload', () => {
  it.each(cases.filter((c) => c.error === undefined))('decodes $name', ({ dataBase64, expected }) => {
    expect(decodePayload(Buffer.from(dataBase64, 'base64'), schema, EXPECTS)).toEqual(expected);
  });

  it.each(cases.filter((c) => c.error !== undefined))('refuses $name', ({ dataBase64, error, code, fragments }) => {
    // Act
    const thrown = decodeErrorOf(Buffer.from(dataBase64, 'base64'));

    // Assess
    expect(thrown).toBeInstanceOf(ERROR_CLASSES[error as keyof typeof ERROR_CLASSES]);
    expect(thrown.code).toBe(code);
    expect(thrown.retryable).toBe(false);
    for (const fragment of fragments ?? []) expect(thrown.message).toContain(fragment);
  });

  it('returns what the schema produces, not the raw JSON', () => {
    // Prepare: a schema that transforms.
    const trimming = z.object({ text: z.string().transform((text) => text.trim()) });

    // Act
    const value = decodePayload(Buffer.from('{"text":"  hi  "}'), trimming, EXPECTS);

    // Assess
    expect(value).toEqual({ text: 'hi' });
  });

  it('names the unknown field a strict schema refuses', () => {
    // Act
    const thrown = decodeErrorOf(Buffer.from('{"text":"hi","colour":"red"}'));

    // Assess
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect(thrown.message).toContain('colour');
  });
});
