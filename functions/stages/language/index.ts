import { loadLanguageIdentifier } from '../../models/language-identifier';
import type { StageDefinition } from '../../../toolkit/core/runtime/stage-definition';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { textContentTypeProblem } from '../content-types';
import { TEXT_REQUEST_EXPECTS, textRequestSchema, type TextRequest } from '../text-request';
import { handleLanguage, type LanguageDeps } from './handler';
import { languageOutputSchema, type LanguageOutput } from './schema';

/** The `language` stage: Google's CLD3 language identification. */
export const languageStage: StageDefinition<TextRequest, LanguageOutput, LanguageDeps> = {
  stage: 'language',
  input: textRequestSchema,
  expects: TEXT_REQUEST_EXPECTS,
  output: languageOutputSchema,
  // Everything that is not an image comes here: refuse what is neither text nor text read from an image.
  contentProblem: (attributes) => textContentTypeProblem(attributes[ATTR.contentType]),
  loadDependencies: async () => ({ identifier: await loadLanguageIdentifier() }),
  handle: handleLanguage,
};
