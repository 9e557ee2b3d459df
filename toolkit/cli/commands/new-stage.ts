import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCommandArgs } from '../args';
import { DEFAULT_PIPELINE_FILES } from '../pipeline-file';
import { addStageToDefinition, DefinitionEditError } from '../scaffold/definition-edit';
import { stageFiles } from '../scaffold/stage-files';
import { CommandError, UsageError } from '../usage-error';

/** Usage of `new stage`. */
export const NEW_STAGE_USAGE = `Usage: aipipe new stage <name> --consumes TOPIC --to TOPIC [options]

Writes a working stage into <pipeline folder>/stages/<name>/ (schema.ts, handler.ts, index.ts, handler.test.ts)
and adds it to the pipeline definition. Then write its model into handler.ts and index.ts (docs/your-own-stage.md).

  <name>                  the stage key: a lower-case letter, then letters and digits (e.g. toxicity)
  --consumes TOPIC        the topic key its subscription reads
  --to TOPIC              the topic key it publishes its results to (add conditional routes in the definition)
  --sets ATTR[,ATTR...]   attributes it sets on its results, for downstream filters
  --filter FILTER         its subscription's filter, e.g. 'attributes.lang = "en"'
  --after STAGE           where in the definition's stages to add it (default: last)
  --description TEXT      what it does
  --definition FILE       the definition file (default: definition.ts beside the pipeline file)

The pipeline file is AIPIPE_PIPELINE, else ${DEFAULT_PIPELINE_FILES[0]}.
`;

const OPTIONS = {
  consumes: { type: 'string' },
  to: { type: 'string' },
  sets: { type: 'string' },
  filter: { type: 'string' },
  after: { type: 'string' },
  description: { type: 'string' },
  definition: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const STAGE_KEY = /^[a-z][a-zA-Z0-9]{0,39}$/;
const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** The nearest `toolkit/core/index.ts` at or above a folder: where the stage imports the toolkit from. */
function findToolkit(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'toolkit', 'core', 'index.ts');
    if (fs.existsSync(candidate)) return path.dirname(candidate);
    if (path.dirname(dir) === dir) throw new CommandError(`no toolkit/core/index.ts above ${from}; run aipipe new from the project`);
  }
}

const importPath = (fromDir: string, target: string): string => {
  const rel = path.relative(fromDir, target).split(path.sep).join('/').replace(/\.ts$/, '');
  return rel.startsWith('.') ? rel : `./${rel}`;
};

/** `aipipe new stage <name>`: scaffolds a stage and names it in the definition. */
export async function newStageCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    out.write(NEW_STAGE_USAGE);
    return 0;
  }
  const [key, ...extra] = positionals;
  if (!key) throw new UsageError('which stage? give its name, e.g. aipipe new stage toxicity --consumes english --to results');
  if (extra.length > 0) throw new UsageError(`expected one stage name, got ${positionals.join(' ')}`);
  if (!STAGE_KEY.test(key)) throw new UsageError(`stage name "${key}": expected a lower-case letter, then up to 39 letters and digits (camelCase)`);
  if (!values.consumes) throw new UsageError('--consumes TOPIC is required: the topic key the stage reads');
  if (!values.to) throw new UsageError('--to TOPIC is required: the topic key the stage publishes to');
  const sets = (values.sets ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const attribute of sets) if (!ATTRIBUTE.test(attribute)) throw new UsageError(`--sets "${attribute}": expected an attribute name (letters, digits, _)`);

  const pipelineFile = path.resolve(env['AIPIPE_PIPELINE'] ?? DEFAULT_PIPELINE_FILES[0]);
  const folder = path.dirname(pipelineFile);
  const definitionFile = path.resolve(values.definition ?? path.join(folder, 'definition.ts'));
  if (!fs.existsSync(definitionFile)) throw new CommandError(`no definition at ${definitionFile}; pass --definition FILE`);
  const stageDir = path.join(folder, 'stages', key);
  if (fs.existsSync(stageDir)) throw new CommandError(`${path.relative(process.cwd(), stageDir)} already exists; choose another name or remove it`);

  let edited: string;
  try {
    edited = addStageToDefinition(definitionFile, fs.readFileSync(definitionFile, 'utf8'), {
      key,
      description: values.description ?? `The ${key} stage.`,
      consumes: values.consumes,
      to: values.to,
      sets,
      ...(values.filter !== undefined ? { filter: values.filter } : {}),
      ...(values.after !== undefined ? { after: values.after } : {}),
    });
  } catch (error) {
    if (error instanceof DefinitionEditError) throw new UsageError(error.message);
    throw error;
  }
  const files = stageFiles({
    key,
    sets,
    toolkitImport: importPath(stageDir, findToolkit(folder)),
    definitionImport: importPath(stageDir, definitionFile),
  });
  fs.mkdirSync(stageDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(stageDir, name), text);
  fs.writeFileSync(definitionFile, edited);
  const shown = (p: string): string => path.relative(process.cwd(), p);
  out.write(`wrote ${Object.keys(files).map((name) => shown(path.join(stageDir, name))).join(', ')}\nadded stage "${key}" to ${shown(definitionFile)}\n`);
  return 0;
}
