import type { PipelineDefinition, StageAttributeOf, StageKeyOf } from '../pipeline/types';
import type { StageDefinition } from '../runtime/stage-definition';

/**
 * What a stage's module exports by default: the stage without its key (the pipeline fills that in when it loads
 * the module for a stage of the definition), and the keys of the stages that may run it.
 */
export type StageModule<In = unknown, Out = unknown, Deps = unknown, Attr extends string = string> = Omit<StageDefinition<In, Out, Deps, Attr>, 'stage'> & {
  /** The definition's stage keys this module serves (one module may be deployed as several stages). */
  readonly stages: readonly string[];
};

/**
 * Declares a stage for the pipeline `definition`: its schemas, how it loads its model, and its pure handler. The
 * handler may set exactly the attributes the definition declares in the stage's `sets`; a typo in the stage key or
 * an undeclared attribute is a compile error.
 *
 * ```ts
 * export default defineStage(definition, 'toxicity', {
 *   input: textRequestSchema, expects: 'JSON {"text": string}', output: toxicitySchema,
 *   loadDependencies: async () => ({ lexicon: await loadLexicon() }),
 *   handle: (input, { deps }) => ({ data: ..., attributes: { toxic: 'true' } }),
 * });
 * ```
 */
export function defineStage<const D extends PipelineDefinition, K extends StageKeyOf<D>, In, Out, Deps>(
  definition: D,
  keys: K | readonly K[],
  stage: Omit<StageDefinition<In, Out, Deps, StageAttributeOf<D, K>>, 'stage'>,
): StageModule<In, Out, Deps, StageAttributeOf<D, K>> {
  const stages = typeof keys === 'string' ? [keys] : [...keys];
  for (const key of stages) {
    if (!(key in definition.stages)) {
      throw new Error(`defineStage: "${key}" is not a stage of pipeline "${definition.name}" (stages: ${Object.keys(definition.stages).join(', ')})`);
    }
  }
  return { ...stage, stages };
}
