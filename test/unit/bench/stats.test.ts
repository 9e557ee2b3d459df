import { percentile, summarize } from '../../../bench/stats';

describe('percentile', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it.each([
    [0, 1],
    [50, 50.5],
    [95, 95.05],
    [99, 99.01],
    [100, 100],
  ])('p%d of 1..100 is %d (linear interpolation between closest ranks)', (p, expected) => {
    expect(percentile(oneToHundred, p)).toBeCloseTo(expected, 10);
  });

  it('does not depend on the order of the sample, and does not reorder it', () => {
    const shuffled = [5, 1, 4, 2, 3];
    expect(percentile(shuffled, 50)).toBe(3);
    expect(percentile(shuffled, 25)).toBe(2);
    expect(shuffled).toEqual([5, 1, 4, 2, 3]);
  });

  it('is the value itself for a sample of one, and NaN for an empty sample', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('rejects a percentile outside 0..100', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow('expected 0..100');
  });
});

describe('summarize', () => {
  it('gives count, p50, p95, p99, max and mean rounded to 0.01', () => {
    expect(summarize([10, 20, 30, 40])).toEqual({ count: 4, p50: 25, p95: 38.5, p99: 39.7, max: 40, mean: 25 });
  });
});
