import { loadLanguageIdentifier } from '../../models/language-identifier';
import type { StageDefinition } from '../../runtime/stage-definition';
import { TEXT_REQUEST_EXPECTS, textRequestSchema, type TextRequest } from '../text-request';
import { handleLanguage, type LanguageDeps } from './handler';
import { languageOutputSchema, type LanguageOutput } from './schema';

/** The `language` stage: Google's CLD3 language identification. */
export const languageStage: StageDefinition<TextRequest, LanguageOutput, LanguageDeps> = {
  stage: 'language',
  input: textRequestSchema,
  expects: TEXT_REQUEST_EXPECTS,
  output: languageOutputSchema,
  loadDependencies: async () => ({ identifier: await loadLanguageIdentifier() }),
  handle: handleLanguage,
};
