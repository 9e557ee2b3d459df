import type { LanguageIdentifier } from '../../models/language-identifier';

import type { StageAttributeOf, StageContext, StageOutput } from '../../../toolkit/core';
import type { definition } from '../../definition';
import type { TextRequest } from '../text-request';
import type { LanguageOutput } from './schema';

/** What the language stage needs. */
export interface LanguageDeps {
  readonly identifier: LanguageIdentifier;
}

/** Identifies the language of the text; sets `lang`, `langConfidence` and `langReliable`. */
export function handleLanguage(input: TextRequest, context: StageContext<LanguageDeps>): StageOutput<LanguageOutput, StageAttributeOf<typeof definition, 'language'>> {
  const guess = context.deps.identifier.identify(input.text);
  const language = {
    code: guess.language,
    confidence: round(guess.probability),
    reliable: guess.isReliable,
    proportion: round(guess.proportion),
  };
  return {
    data: { ...input, language },
    attributes: {
      lang: language.code,
      langConfidence: language.confidence.toFixed(3),
      langReliable: String(language.reliable),
    },
  };
}

function round(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}
