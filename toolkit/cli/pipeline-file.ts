import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Pipeline } from '../core/pipeline-app/create-pipeline';
import { loadPipeline } from '../core/pipeline-app/create-pipeline';
import { CommandError } from './usage-error';

/** Where the command line looks for the pipeline when neither `--pipeline` nor AIPIPE_PIPELINE names one. */
export const DEFAULT_PIPELINE_FILES = ['functions/pipeline.ts', 'functions/pipeline.js'] as const;

let given: Pipeline | undefined;

/** Makes the command line run this pipeline (programmatic use and tests) instead of loading one from a file. */
export function useCliPipeline(pipeline: Pipeline | undefined): void {
  given = pipeline;
}

/**
 * The pipeline the command line works on: the one given with `useCliPipeline`, else the file AIPIPE_PIPELINE
 * names, else `functions/pipeline.ts` in the working directory. A TypeScript file is loaded through tsx, which
 * is registered only now, so commands that need no pipeline (`--help`) start at compiled-JavaScript speed.
 */
export function cliPipeline(env: NodeJS.ProcessEnv = process.env): Pipeline {
  if (given) return given;
  const named = env['AIPIPE_PIPELINE'];
  const file = named ? resolve(named) : DEFAULT_PIPELINE_FILES.map((f) => resolve(f)).find((f) => existsSync(f));
  if (!file || !existsSync(file)) {
    throw new CommandError(
      named
        ? `AIPIPE_PIPELINE names ${named}, which does not exist; expected the file that exports the pipeline`
        : `no pipeline here: expected ${DEFAULT_PIPELINE_FILES[0]} in ${process.cwd()}, or AIPIPE_PIPELINE=<file that exports the pipeline>`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (file.endsWith('.ts') && !process.execArgv.some((a) => a.includes('tsx')) && !require.extensions['.ts']) require('tsx/cjs');
  given = loadPipeline(file);
  return given;
}
