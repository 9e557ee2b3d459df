import { loadEnglishNlp } from '../../models/english-nlp';
import type { StageDefinition } from '../../../toolkit/core/runtime/stage-definition';
import { languageOutputSchema, type LanguageOutput } from '../language/schema';
import { handleNlp, type NlpDeps } from './handler';
import { nlpOutputSchema, type NlpOutput } from './schema';

/** The `nlp` stage: wink-nlp's English pipeline. */
export const nlpStage: StageDefinition<LanguageOutput, NlpOutput, NlpDeps> = {
  stage: 'nlp',
  input: languageOutputSchema,
  expects: 'JSON output of the language stage {"text": string, "language": {...}}',
  output: nlpOutputSchema,
  loadDependencies: async () => ({ nlp: await loadEnglishNlp() }),
  handle: handleNlp,
};
