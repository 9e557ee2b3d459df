/**
 * English analysis with wink-nlp and its `wink-eng-lite-web-model`: sentiment, named entities, sentence and token
 * counts. The model is JSON inside the npm package, so nothing is fetched at run time; loading parses it (~0.2 s).
 */
import type { Model, WinkMethods } from 'wink-nlp';
import { lazy } from '../../toolkit/core';

/** The sentiment labels, from most to least favourable. */
export const SENTIMENT_LABELS = ['positive', 'neutral', 'negative'] as const;

/** A document's sentiment as a word. */
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

/** What wink-nlp found in one English text. */
export interface EnglishAnalysis {
  /**
   * `score` is wink's document sentiment in -1..1: each sentiment-bearing word scores -1..1 (its sign flipped
   * under negation, "not good" is negative), a sentence scores the mean of its sentiment words, and the document
   * the mean over all its sentences, so neutral sentences pull the score towards 0. `label` applies the band.
   */
  sentiment: { score: number; label: SentimentLabel };
  /**
   * Entity type → distinct values in order of first appearance. Types the model knows: CARDINAL, DATE, DURATION,
   * EMAIL, EMOJI, EMOTICON, HASHTAG, MENTION, MONEY, ORDINAL, PERCENT, TIME, URL. Types not found are absent.
   */
  entities: Record<string, string[]>;
  /** Sentences, as wink's sentence boundary detection splits them; 0 for blank text. */
  sentenceCount: number;
  /** Tokens: words, numbers, punctuation, emoji, URLs...; whitespace is not a token. */
  tokenCount: number;
}

/** Analyses English text; synchronous and safe to share across concurrent requests. */
export interface EnglishNlp {
  /** Analyses `text` (meant for English; other languages get meaningless sentiment and few entities). */
  analyze(text: string): EnglishAnalysis;
}

/** Options of `loadEnglishNlp`. */
export interface EnglishNlpOptions {
  /** Scores within ±band are `neutral`; default `DEFAULT_NEUTRAL_BAND`. */
  neutralBand?: number;
  /** Out-of-vocabulary words remembered before the pipeline is rebuilt; default `DEFAULT_OOV_LEXEME_LIMIT`. */
  oovLexemeLimit?: number;
}

/**
 * Half-width of the neutral band around 0. A text without any sentiment word scores exactly 0, and of the model's
 * ~10,200 scored words all but 61 (49 of them scored 0) move their sentence by at least ±0.2. The document score
 * is the mean over all sentences, though, so one mild word in a longer text is diluted (0.2 over 4 sentences is
 * 0.05), as are opposite opinions that nearly cancel: 0.05 keeps those neutral while any clearly worded opinion
 * in a short message still gets its label.
 */
export const DEFAULT_NEUTRAL_BAND = 0.05;

/**
 * wink-nlp adds every word missing from its lexicon (ids, URLs, e-mail addresses, typos) to a per-pipeline cache
 * that is never emptied: measured ~140 bytes of heap per new word, +166 MB after 400,000 messages with 3 new words
 * each, enough to kill a 256 MB function instance. Past this many new words (~28 MB) the pipeline is rebuilt from
 * the package (~0.1 s, blocking), which gives identical results with an empty cache.
 */
export const DEFAULT_OOV_LEXEME_LIMIT = 200_000;

/**
 * Annotations run by wink-nlp: sentence boundaries, negation (needed by sentiment), sentiment and named entities.
 * Part-of-speech tagging and custom entities are left out: nothing here reads them, entities and sentiment come
 * out identical without them (checked on 41 texts), and analysis is ~25% faster.
 */
const PIPE = ['sbd', 'negation', 'sentiment', 'ner'];

/** One lazily loaded analyser per distinct options, sharing one wink pipeline per OOV limit. */
const analysers = new Map<string, () => Promise<EnglishNlp>>();
const pipelines = new Map<number, () => Promise<RecyclingPipeline>>();

/**
 * The process-wide English analyser. Loaded once per distinct options and shared; concurrent first calls share
 * one load and a failed load is retried by the next call. Analysers that differ only in `neutralBand` share one
 * pipeline; each distinct `oovLexemeLimit` builds its own (~10 MB of heap), so production code should keep the
 * default.
 */
export function loadEnglishNlp(options: EnglishNlpOptions = {}): Promise<EnglishNlp> {
  const band = options.neutralBand ?? DEFAULT_NEUTRAL_BAND;
  const limit = options.oovLexemeLimit ?? DEFAULT_OOV_LEXEME_LIMIT;
  // Scores lie in -1..1, so a band of 1 already makes every text neutral.
  if (!(Number.isFinite(band) && band >= 0 && band <= 1)) {
    return Promise.reject(new RangeError(`neutralBand must be a number in [0, 1], got ${band}`));
  }
  if (!(Number.isInteger(limit) && limit > 0)) {
    return Promise.reject(new RangeError(`oovLexemeLimit must be a positive integer, got ${limit}`));
  }
  const key = `${band}|${limit}`;
  let load = analysers.get(key);
  if (!load) {
    load = lazy(async () => createAnalyser(await pipelineFor(limit), band));
    analysers.set(key, load);
  }
  return load();
}

function pipelineFor(limit: number): Promise<RecyclingPipeline> {
  let load = pipelines.get(limit);
  if (!load) {
    load = lazy(async () => {
      // Imported here rather than at the top so that code which never analyses English does not parse the
      // 3.5 MB model at start-up.
      const [{ default: winkNLP }, { default: model }] = await Promise.all([
        import('wink-nlp'),
        import('wink-eng-lite-web-model'),
      ]);
      return new RecyclingPipeline(winkNLP, model, limit);
    });
    pipelines.set(limit, load);
  }
  return load();
}

function createAnalyser(pipeline: RecyclingPipeline, band: number): EnglishNlp {
  return {
    analyze(text: string): EnglishAnalysis {
      // wink reports one (empty) sentence for blank text; there is nothing to analyse.
      if (text.trim() === '') {
        return { sentiment: { score: 0, label: 'neutral' }, entities: {}, sentenceCount: 0, tokenCount: 0 };
      }
      return pipeline.analyze(text, band);
    },
  };
}

/** The parts of wink's internal core model used to watch its OOV cache grow. */
interface CoreModelShape {
  features: { lexeme: { list: unknown[] } };
}

/** A wink pipeline that is rebuilt when its cache of out-of-vocabulary words outgrows `limit`. */
class RecyclingPipeline {
  private nlp!: WinkMethods;
  /** wink's lexicon list, into which it appends new words; undefined if the model's layout is not recognised. */
  private lexemes: unknown[] | undefined;
  /** Length of `lexemes` right after the build: the model's own vocabulary. */
  private baseline = 0;
  /** Documents read since the build; the fallback measure of growth when `lexemes` is unknown. */
  private documents = 0;

  constructor(
    private readonly winkNLP: (model: Model, pipe?: string[]) => WinkMethods,
    private readonly model: Model,
    private readonly limit: number,
  ) {
    this.build();
  }

  analyze(text: string, band: number): EnglishAnalysis {
    const its = this.nlp.its;
    const doc = this.nlp.readDoc(text);
    const raw = doc.out(its.sentiment);
    // Typed as number | string by wink's overloads; it is the number computed by the sentiment annotation.
    const score = typeof raw === 'number' && Number.isFinite(raw) ? raw : 0;
    const analysis: EnglishAnalysis = {
      sentiment: { score, label: score > band ? 'positive' : score < -band ? 'negative' : 'neutral' },
      entities: groupEntities(doc.entities().out(its.detail)),
      sentenceCount: doc.sentences().length(),
      tokenCount: doc.tokens().length(),
    };
    this.documents += 1;
    if (this.growth() > this.limit) this.build();
    return analysis;
  }

  private build(): void {
    // The model's `core()` parses a fresh copy of the lexicon on every call, so a new pipeline starts with an
    // empty OOV cache. Wrapping it is the only way to see that lexicon; wink has no public API for its size.
    const core = this.model.core as () => unknown;
    let lexicon: unknown;
    const watched: Model = { ...this.model, core: () => (lexicon = core()), metaCER: stableMetaCer(this.model) };
    this.nlp = this.winkNLP(watched, PIPE);
    this.lexemes = isCoreModel(lexicon) ? lexicon.features.lexeme.list : undefined;
    this.baseline = this.lexemes?.length ?? 0;
    this.documents = 0;
  }

  private growth(): number {
    // If a future model hides its lexicon, rebuild by document count instead, guessing 10 new words a document:
    // a rebuild too many costs ~0.1 s, one too few can cost the instance.
    return this.lexemes ? this.lexemes.length - this.baseline : this.documents * 10;
  }
}

/** The first `metaCER()` result of each model object; see `stableMetaCer`. */
const metaCerResults = new WeakMap<Model, unknown>();

/**
 * wink-eng-lite-web-model 1.8.1's `metaCER()` does `machines = JSON.stringify(machines)` on a module variable, so
 * every `winkNLP(model)` JSON-encodes the previous result again: 3 KB, 4.8 KB, ... 83 MB on the 18th pipeline,
 * "RangeError: Invalid string length" on the 21st. Handing wink the first result every time keeps rebuilds flat.
 * (That value only feeds `learnCustomEntities`, which nothing here calls.)
 */
function stableMetaCer(model: Model): () => unknown {
  if (!metaCerResults.has(model)) metaCerResults.set(model, (model.metaCER as () => unknown)());
  const result = metaCerResults.get(model);
  return () => result;
}

function isCoreModel(value: unknown): value is CoreModelShape {
  const features = (value as { features?: { lexeme?: { list?: unknown } } } | null | undefined)?.features;
  return Array.isArray(features?.lexeme?.list);
}

/** Groups wink's `{ value, type }` entity details by type, keeping each value once, in order of appearance. */
function groupEntities(details: readonly unknown[]): Record<string, string[]> {
  const entities: Record<string, string[]> = {};
  for (const detail of details) {
    // `out(its.detail)` is typed as Detail[] | string[] by wink's overloads; it returns Detail objects.
    if (typeof detail !== 'object' || detail === null) continue;
    const { type, value } = detail as { type?: unknown; value?: unknown };
    if (typeof type !== 'string' || typeof value !== 'string') continue;
    const values = (entities[type] ??= []);
    if (!values.includes(value)) values.push(value);
  }
  return entities;
}
