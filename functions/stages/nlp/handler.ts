import type { EnglishNlp } from '../../models/english-nlp';
import { UnsupportedContentError } from '../../../toolkit/core';
import type { StageAttributeOf, StageContext, StageOutput } from '../../../toolkit/core';
import type { definition } from '../../definition';
import type { LanguageOutput } from '../language/schema';
import type { NlpOutput } from './schema';

/** What the nlp stage needs. */
export interface NlpDeps {
  readonly nlp: EnglishNlp;
}

/** English only: sentiment, entities, sentence and token counts; sets `sentiment`. */
export function handleNlp(input: LanguageOutput, context: StageContext<NlpDeps>): StageOutput<NlpOutput, StageAttributeOf<typeof definition, 'nlp'>> {
  // The subscription filter keeps other languages away in production; a wrongly routed message is a permanent
  // error rather than a confidently wrong English analysis.
  if (input.language.code !== 'en') {
    throw new UnsupportedContentError(`nlp handles English only; the text was identified as "${input.language.code}"`);
  }
  const analysis = context.deps.nlp.analyze(input.text);
  return {
    data: {
      ...input,
      nlp: {
        sentiment: { score: Math.round(analysis.sentiment.score * 1000) / 1000, label: analysis.sentiment.label },
        entities: analysis.entities,
        sentenceCount: analysis.sentenceCount,
        tokenCount: analysis.tokenCount,
      },
    },
    attributes: { sentiment: analysis.sentiment.label },
  };
}
