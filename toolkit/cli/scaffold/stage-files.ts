/**
 * The files `aipipe new stage <name>` writes into `<pipeline folder>/stages/<name>/`: a schema, a pure handler,
 * the stage module (`defineStage`) and a unit test of the handler. The handler is a working placeholder: it
 * passes the request on and counts its words, so the new stage runs end to end before its model is written.
 */

/** What the templates need. */
export interface StageTemplateInput {
  /** The stage key, e.g. `toxicity`. */
  readonly key: string;
  /** Attributes the stage sets (from `--sets`). */
  readonly sets: readonly string[];
  /** Import path of the toolkit's public entry from the stage folder, e.g. `../../../toolkit/core`. */
  readonly toolkitImport: string;
  /** Import path of the definition module from the stage folder, e.g. `../../definition`. */
  readonly definitionImport: string;
}

const pascal = (key: string): string => key.charAt(0).toUpperCase() + key.slice(1);

/** File name → content. */
export function stageFiles(input: StageTemplateInput): Record<string, string> {
  const { key } = input;
  const Name = pascal(key);
  const attributeLines = input.sets.map((attribute) => `      ${JSON.stringify(attribute)}: String(words > 0),`).join('\n');
  return {
    'schema.ts': `import { z } from 'zod';

/**
 * What the ${key} stage takes: a JSON object with a non-empty \`text\`; other fields (what upstream stages
 * added) are kept and passed on.
 */
export const ${key}InputSchema = z.looseObject({
  text: z.string({ error: 'expected "text" to be a string' }).min(1, 'expected a non-empty "text"'),
});

/** The ${key} stage's input. */
export type ${Name}Input = z.infer<typeof ${key}InputSchema>;

/** What the ${key} stage publishes: its input plus its finding under \`${key}\`. */
export const ${key}OutputSchema = z.looseObject({
  text: z.string(),
  ${key}: z.object({ words: z.number().int().nonnegative() }),
});

/** The ${key} stage's output. */
export type ${Name}Output = z.infer<typeof ${key}OutputSchema>;

/** How the input is described in error messages and dead letters. */
export const ${key.toUpperCase()}_EXPECTS = 'JSON {"text": string, ...}';
`,
    'handler.ts': `import type { StageAttributeOf, StageContext, StageOutput } from '${input.toolkitImport}';
import type { definition } from '${input.definitionImport}';
import type { ${Name}Input, ${Name}Output } from './schema';

/** What the ${key} stage needs, loaded once per instance (a model, a lexicon, a client). */
export interface ${Name}Deps {
  /** Splits a text into words; replace with the stage's model. */
  readonly tokenize: (text: string) => readonly string[];
}

/** The ${key} stage's pure handler: no I/O, no environment; everything it needs comes in \`deps\`. */
export function handle${Name}(input: ${Name}Input, context: StageContext<${Name}Deps>): StageOutput<${Name}Output, StageAttributeOf<typeof definition, '${key}'>> {
  const words = context.deps.tokenize(input.text).length;
  return {
    data: { ...input, ${key}: { words } },
    attributes: {
${attributeLines}
    },
  };
}
`,
    'index.ts': `import { defineStage } from '${input.toolkitImport}';
import { definition } from '${input.definitionImport}';
import { handle${Name} } from './handler';
import { ${key.toUpperCase()}_EXPECTS, ${key}InputSchema, ${key}OutputSchema } from './schema';

/** The \`${key}\` stage (named in the pipeline definition by \`source: './stages/${key}'\`). */
export default defineStage(definition, '${key}', {
  input: ${key}InputSchema,
  expects: ${key.toUpperCase()}_EXPECTS,
  output: ${key}OutputSchema,
  // Load the model here: once per instance, at cold start, shared by concurrent requests.
  loadDependencies: async () => ({ tokenize: (text: string) => text.split(/\\s+/).filter((word) => word.length > 0) }),
  handle: handle${Name},
});
`,
    'handler.test.ts': `import { handle${Name} } from './handler';

const context = {
  deps: { tokenize: (text: string) => text.split(/\\s+/).filter((word) => word.length > 0) },
  message: { data: Buffer.alloc(0), attributes: {}, messageId: 'm-1' },
  correlationId: 'c-1',
  logger: { log: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => context.logger },
  now: () => new Date(0),
} as unknown as Parameters<typeof handle${Name}>[1];

describe('the ${key} stage', () => {
  it('passes the request on with its finding', async () => {
    // Act
    const output = await handle${Name}({ text: 'two words' }, context);

    // Assess
    expect(output.data).toEqual({ text: 'two words', ${key}: { words: 2 } });
  });
});
`,
  };
}
