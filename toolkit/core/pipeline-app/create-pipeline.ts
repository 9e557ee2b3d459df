import * as functions from '@google-cloud/functions-framework';
import { dirname, resolve } from 'node:path';
import { compileTopology } from '../pipeline/compile';
import type { CompiledTopology, CompileOptions } from '../pipeline/topology';
import type { PipelineDefinition, StageKeyOf } from '../pipeline/types';
import { httpFunction } from '../runtime/http-function';
import type { StageDefinition } from '../runtime/stage-definition';
import { stageFromModule } from './stage-module';

/** Options of `createPipeline`. */
export interface PipelineOptions<D extends PipelineDefinition> {
  /** The pipeline definition: topics, stages (each naming its module in `source`), routes, subscriptions. */
  readonly definition: D;
  /**
   * The file that creates the pipeline and exports it as `pipeline` (pass `__filename`). Stage modules are found
   * relative to its folder, and processes the toolkit starts (stage servers, pull workers) load the pipeline
   * from it, so every tool runs the pipeline it was given.
   */
  readonly file: string;
  /** Folder stage `source` paths are relative to; the folder of `file` when absent. */
  readonly root?: string;
}

/**
 * A pipeline: its definition and stages, and what every tool takes from it. `npm start`, the pull worker, the
 * command line, the benchmark, the function build and the CDKTF app all start from one of these.
 */
export interface Pipeline<D extends PipelineDefinition = PipelineDefinition> {
  readonly definition: D;
  /** The file that exports this pipeline as `pipeline`. */
  readonly file: string;
  /** Folder stage `source` paths are relative to. */
  readonly root: string;
  /** The stage keys, in definition order. */
  readonly stageKeys: readonly StageKeyOf<D>[];
  /** The compiled topology: concrete names for a project and prefix. */
  compile(options: CompileOptions): CompiledTopology;
  /** Absolute path of a stage's module, as `require` resolves it. */
  stageModulePath(key: string): string;
  /** Loads a stage's module and returns the stage, checked. */
  loadStage(key: string): StageDefinition<unknown, unknown, unknown>;
  /**
   * Registers every stage's HTTP function with functions-framework under its entry point; a stage's module is
   * loaded when its function is first called, so an archive that holds one stage serves that stage. The stage
   * this instance serves (FUNCTION_TARGET) starts loading its model at once, during the cold start.
   */
  registerFunctions(env?: NodeJS.ProcessEnv): void;
}

/** A project id that passes validation, for checking a definition before any environment is known. */
const VALIDATION_PROJECT = 'pipeline-check';

/**
 * Makes a pipeline from its definition, validating the definition at once (a `DefinitionError` lists every
 * problem). The one entry point of the toolkit for a user's pipeline:
 *
 * ```ts
 * // functions/pipeline.ts
 * export const pipeline = createPipeline({ definition, file: __filename });
 * // functions/index.ts (the deployed entry)
 * pipeline.registerFunctions();
 * ```
 */
export function createPipeline<const D extends PipelineDefinition>(options: PipelineOptions<D>): Pipeline<D> {
  const { definition, file } = options;
  compileTopology(definition, { project: VALIDATION_PROJECT });
  const root = options.root !== undefined ? resolve(options.root) : dirname(resolve(file));
  const stageKeys = Object.keys(definition.stages) as StageKeyOf<D>[];
  const specOf = (key: string) => {
    const spec = (definition.stages as PipelineDefinition['stages'])[key];
    if (!spec) throw new Error(`unknown stage "${key}" (stages of pipeline "${definition.name}": ${stageKeys.join(', ')})`);
    return spec;
  };
  const stageModulePath = (key: string): string => {
    const spec = specOf(key);
    try {
      return require.resolve(resolve(root, spec.source));
    } catch {
      throw new Error(`stage "${key}": its source "${spec.source}" is not a module (looked for it in ${root})`);
    }
  };
  const loadStage = (key: string): StageDefinition<unknown, unknown, unknown> => {
    const path = stageModulePath(key);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return stageFromModule(require(path), key, specOf(key).source);
  };
  return {
    definition,
    file,
    root,
    stageKeys,
    compile: (compileOptions) => compileTopology(definition, compileOptions),
    stageModulePath,
    loadStage,
    registerFunctions: (env = process.env) => {
      for (const key of stageKeys) {
        const { entryPoint } = specOf(key);
        const handler = httpFunction(definition, () => loadStage(key), env);
        functions.http(entryPoint, handler);
        if (env['FUNCTION_TARGET'] === entryPoint) void handler.warmUp().catch(() => undefined);
      }
    },
  };
}

/** Whether a value is a pipeline made by `createPipeline` (for modules loaded by path). */
export function isPipeline(value: unknown): value is Pipeline {
  return typeof value === 'object' && value !== null && 'definition' in value && 'file' in value && typeof (value as Pipeline).loadStage === 'function';
}

/**
 * Loads the pipeline a file exports as `pipeline` (what stage servers, workers, the command line and the build
 * are given). The error says what the file should export.
 */
export function loadPipeline(file: string): Pipeline {
  const path = resolve(file);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(path) as Record<string, unknown>;
  const pipeline = exports['pipeline'];
  if (!isPipeline(pipeline)) {
    throw new Error(`${file} does not export a pipeline; expected \`export const pipeline = createPipeline({ definition, file: __filename })\``);
  }
  return pipeline;
}
