import { NEW_STAGE_USAGE, newStageCommand } from './new-stage';
import { UsageError } from '../usage-error';

/** Usage of `new`. */
export const NEW_USAGE = `Usage: aipipe new stage <name> [options]

Scaffolds part of a pipeline. Kinds:
  stage     a stage: its folder (schema, handler, module, test) and its entry in the definition

${NEW_STAGE_USAGE}`;

/** `aipipe new <kind> ...`. */
export async function newCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const [kind, ...rest] = argv;
  if (kind === undefined || kind === '--help' || kind === '-h') {
    out.write(NEW_USAGE);
    return kind === undefined ? 2 : 0;
  }
  if (kind !== 'stage') throw new UsageError(`unknown kind "${kind}"; expected: stage`);
  return newStageCommand(rest, out);
}
