import type { StageKey } from '../pipeline/definition';
import type { AnyStageDefinition } from '../runtime/stage-definition';
import { languageStage } from './language';
import { nlpStage } from './nlp';

/**
 * Every stage of the pipeline definition, by key. `satisfies` makes a stage declared in the definition but not
 * implemented here a compile error.
 */
export const STAGES = {
  language: languageStage,
  nlp: nlpStage,
} satisfies Record<StageKey, AnyStageDefinition>;
