/** The models behind the inference stages, each loaded once per process from its npm package. */
export { loadLanguageIdentifier, type LanguageGuess, type LanguageIdentifier } from './language-identifier';
export {
  DEFAULT_NEUTRAL_BAND,
  DEFAULT_OOV_LEXEME_LIMIT,
  loadEnglishNlp,
  SENTIMENT_LABELS,
  type EnglishAnalysis,
  type EnglishNlp,
  type EnglishNlpOptions,
  type SentimentLabel,
} from './english-nlp';
