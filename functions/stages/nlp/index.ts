import { defineStage } from '../../../toolkit/core';
import { definition } from '../../definition';
import { loadEnglishNlp } from '../../models/english-nlp';
import { languageOutputSchema } from '../language/schema';
import { handleNlp } from './handler';
import { nlpOutputSchema } from './schema';

/** The `nlp` stage: wink-nlp's English pipeline. */
export default defineStage(definition, 'nlp', {
  input: languageOutputSchema,
  expects: 'JSON output of the language stage {"text": string, "language": {...}}',
  output: nlpOutputSchema,
  loadDependencies: async () => ({ nlp: await loadEnglishNlp() }),
  handle: handleNlp,
});
