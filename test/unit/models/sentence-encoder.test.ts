import { softenCapitals } from '../../../functions/models/sentence-encoder';

describe('softenCapitals', () => {
  it.each([
    ['MY APP CRASHES ON LOGIN', 'My app crashes on login'],
    ['I WAS CHARGED TWICE. PLEASE REFUND ME!', 'I was charged twice. Please refund me!'],
    ['FIRST LINE\nSECOND LINE', 'First line\nSecond line'],
    ['ÉTÉ À PARIS', 'Été à paris'],
  ])('gives all-caps %j sentence case', (text, expected) => {
    expect(softenCapitals(text)).toBe(expected);
  });

  it.each(['Mixed Case Stays As Written', 'lower case too', 'NASA and the ESA', '1234 5678', ''])('leaves %j alone', (text) => {
    expect(softenCapitals(text)).toBe(text);
  });
});
