import { loadLanguageIdentifier, type LanguageIdentifier } from '../../../functions/models/language-identifier';
import texts from '../../fixtures/models/texts.json';

/** One sentence of known language. */
interface LanguageCase {
  readonly language: string;
  readonly text: string;
}

const languageCases: readonly LanguageCase[] = texts.languages;
const UNDETERMINED = { language: 'und', probability: 0, isReliable: false, proportion: 0 };

describe('loadLanguageIdentifier (real CLD3 model)', () => {
  let identifier: LanguageIdentifier;

  beforeAll(async () => {
    identifier = await loadLanguageIdentifier();
  });

  it.each(languageCases)('identifies $language reliably', ({ language, text }) => {
    // Prepare: the fixture sentence (60+ bytes, well above the 20-byte minimum)

    // Act
    const guess = identifier.identify(text);

    // Assess
    expect(guess.language).toBe(language);
    expect(guess.isReliable).toBe(true);
    expect(guess.probability).toBeGreaterThanOrEqual(0.9);
    expect(guess.probability).toBeLessThanOrEqual(1);
    expect(guess.proportion).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['whitespace-only', ' \n\t\u00a0 '],
  ])('returns und for %s text', (_name, text) => {
    // Prepare: nothing to identify

    // Act
    const guess = identifier.identify(text);

    // Assess
    expect(guess).toEqual(UNDETERMINED);
  });

  it('returns und for emoji-only text (no letters left after CLD3 cleans it)', () => {
    // Prepare
    const text = texts.emojiOnly;

    // Act
    const guess = identifier.identify(text);

    // Assess
    expect(guess).toEqual(UNDETERMINED);
  });

  it('returns und rather than a confident guess for text below the minimum length', () => {
    // Prepare: two words; with no minimum CLD3 calls this Serbian
    const text = texts.tooShort;

    // Act
    const guess = identifier.identify(text);

    // Assess
    expect(guess).toEqual(UNDETERMINED);
  });

  it('answers for mixed-script text without throwing, within the documented ranges', () => {
    // Prepare
    const text = texts.mixedScript;

    // Act
    const guess = identifier.identify(text);

    // Assess
    expect(typeof guess.language).toBe('string');
    expect(guess.language.length).toBeGreaterThan(0);
    expect(guess.probability).toBeGreaterThanOrEqual(0);
    expect(guess.probability).toBeLessThanOrEqual(1);
    expect(typeof guess.isReliable).toBe('boolean');
    expect(guess.proportion).toBeGreaterThanOrEqual(0);
    expect(guess.proportion).toBeLessThanOrEqual(1);
  });

  it('reads past an embedded NUL character (the text crosses into wasm as a C string)', () => {
    // Prepare: "Bonjour\0 je suis très content…"; cut at the NUL, only "Bonjour" would be left: und
    const text = texts.nulInside;

    // Act
    const guess = identifier.identify(text);

    // Assess
    expect(guess.language).toBe('fr');
    expect(guess.isReliable).toBe(true);
  });

  it('identifies a text of several megabytes instead of exhausting the 16 MiB wasm heap', () => {
    // Prepare: ~6 MB; copied whole into wasm, this aborts with "Cannot enlarge memory arrays"
    const german = languageCases.find(({ language }) => language === 'de');
    if (!german) throw new Error('fixture has no German sentence');
    const text = `${german.text} `.repeat(60_000);

    // Act
    const guess = identifier.identify(text);

    // Assess
    expect(text.length).toBeGreaterThanOrEqual(6_000_000);
    expect(guess.language).toBe('de');
    expect(guess.isReliable).toBe(true);
  });

  it('does not split a surrogate pair when it shortens a long text', () => {
    // Prepare: an emoji straddles the cut at 10,000 code units, French text follows
    const text = `${'a'.repeat(9_999)}😀 ${languageCases.map(({ text: sentence }) => sentence).join(' ')}`;

    // Act
    const act = () => identifier.identify(text);

    // Assess
    expect(act).not.toThrow();
  });

  it('gives the same answer every time: one shared instance keeps no state between calls', () => {
    // Prepare
    const inputs = languageCases.map(({ text }) => text);
    const first = inputs.map((text) => identifier.identify(text));

    // Act
    const again = [...inputs].reverse().map((text) => identifier.identify(text)).reverse();

    // Assess
    expect(again).toEqual(first);
  });

  it('returns the same instance to concurrent and later callers', async () => {
    // Prepare: nothing; the first load happened in beforeAll

    // Act
    const [a, b] = await Promise.all([loadLanguageIdentifier(), loadLanguageIdentifier()]);
    const c = await loadLanguageIdentifier();

    // Assess
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(c).toBe(identifier);
  });
});

describe('loadLanguageIdentifier in a fresh module registry', () => {
  it('shares one load between two concurrent first calls', async () => {
    // Prepare: a module registry where nothing has been loaded yet
    let load: typeof loadLanguageIdentifier | undefined;
    jest.isolateModules(() => {
      ({ loadLanguageIdentifier: load } = require('../../../functions/models/language-identifier'));
    });
    if (!load) throw new Error('module did not load');

    // Act
    const first = load();
    const second = load();

    // Assess
    expect(second).toBe(first);
    expect(await second).toBe(await first);
  });
});
