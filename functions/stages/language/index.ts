import { defineStage, type PipelineAttributeOf } from '../../../toolkit/core';
import { definition } from '../../definition';
import { loadLanguageIdentifier } from '../../models/language-identifier';
import { textContentTypeProblem } from '../content-types';
import { TEXT_REQUEST_EXPECTS, textRequestSchema } from '../text-request';
import { handleLanguage } from './handler';
import { languageOutputSchema } from './schema';

/**
 * The `language` stage: Google's CLD3 language identification. Deployed twice: on requests (`language`) and on
 * the text read from images (`ocrLanguage`).
 */
export default defineStage(definition, ['language', 'ocrLanguage'], {
  input: textRequestSchema,
  expects: TEXT_REQUEST_EXPECTS,
  output: languageOutputSchema,
  // Everything that is not an image comes here: refuse what is neither text nor text read from an image.
  contentProblem: (attributes) => textContentTypeProblem(attributes['contentType' satisfies PipelineAttributeOf<typeof definition>]),
  loadDependencies: async () => ({ identifier: await loadLanguageIdentifier() }),
  handle: handleLanguage,
});
