/** Summary statistics of a sample, for latencies in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * The `p`-th percentile (0..100) of `values` by linear interpolation between closest ranks (the definition
 * NumPy and most spreadsheets use by default): p0 is the minimum, p100 the maximum. `NaN` for an empty sample.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p}: expected 0..100`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  return lowValue + (rank - low) * ((sorted[high] as number) - lowValue);
}

/** p50/p95/p99, max and mean of a sample, rounded to 0.01 ms. */
export function summarize(values: readonly number[]): LatencySummary {
  const round = (value: number): number => Math.round(value * 100) / 100;
  const sum = values.reduce((total, value) => total + value, 0);
  return {
    count: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    max: round(values.length ? Math.max(...values) : Number.NaN),
    mean: round(values.length ? sum / values.length : Number.NaN),
  };
}
