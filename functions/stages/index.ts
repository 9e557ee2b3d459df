import type { StageKey } from '../definition';
import type { AnyStageDefinition } from '../../toolkit/core/runtime/stage-definition';
import { classifyStage } from './classify';
import { languageStage } from './language';
import { nlpStage } from './nlp';
import { ocrStage } from './ocr';
import { onnxStage } from './onnx';

/**
 * Every stage of the pipeline definition, by key. `satisfies` makes a stage declared in the definition but not
 * implemented here a compile error.
 */
export const STAGES = {
  language: languageStage,
  // The same stage, deployed a second time for text read from images (see the pipeline definition).
  ocrLanguage: { ...languageStage, stage: 'ocrLanguage' },
  nlp: nlpStage,
  classify: classifyStage,
  onnx: onnxStage,
  ocr: ocrStage,
} satisfies Record<StageKey, AnyStageDefinition>;
