// Descriptive statistics over raw samples. Pure: no I/O, no imports outside src/perf/stats.

/** Ascending copy; the input is never mutated. */
export function sortAscending(samples: readonly number[]): number[] {
  return Array.from(Float64Array.from(samples).sort());
}

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  let sum = 0;
  for (const x of samples) sum += x;
  return sum / samples.length;
}

/** Sample standard deviation (n - 1). */
export function stddev(samples: readonly number[]): number {
  const n = samples.length;
  if (n < 2) return Number.NaN;
  const m = mean(samples);
  let ss = 0;
  for (const x of samples) ss += (x - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/**
 * Quantile of already-sorted samples with linear interpolation between order statistics
 * (Hyndman-Fan type 7: R's default, numpy's `linear`).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (q <= 0) return sorted[0]!;
  if (q >= 1) return sorted[n - 1]!;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const frac = h - lo;
  const a = sorted[lo]!;
  return frac === 0 ? a : a + frac * (sorted[lo + 1]! - a);
}

export function quantile(samples: readonly number[], q: number): number {
  return quantileSorted(sortAscending(samples), q);
}

export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/** Several percentiles at once (p in 0..100), sorting once. */
export function percentiles(samples: readonly number[], ps: readonly number[]): number[] {
  const sorted = sortAscending(samples);
  return ps.map((p) => quantileSorted(sorted, p / 100));
}

/**
 * Median absolute deviation. `scaled` multiplies by 1.4826 so that it estimates the standard
 * deviation of normal data (R's `mad()` default).
 */
export function mad(samples: readonly number[], { scaled = true }: { scaled?: boolean } = {}): number {
  if (samples.length === 0) return Number.NaN;
  const m = median(samples);
  const raw = median(samples.map((x) => Math.abs(x - m)));
  return scaled ? raw * 1.4826 : raw;
}

/** Robust coefficient of variation: scaled MAD / |median|. */
export function robustCv(samples: readonly number[]): number {
  const m = median(samples);
  return m === 0 ? Number.NaN : mad(samples) / Math.abs(m);
}

export interface Summary {
  n: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p5: number;
  p25: number;
  p75: number;
  p95: number;
  p99: number;
  mad: number;
  stddev: number;
  /** Scaled MAD / median: the noise figure used in warnings. */
  cv: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = sortAscending(samples);
  const med = quantileSorted(sorted, 0.5);
  const m = mad(sorted);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: mean(sorted),
    median: med,
    p5: quantileSorted(sorted, 0.05),
    p25: quantileSorted(sorted, 0.25),
    p75: quantileSorted(sorted, 0.75),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    mad: m,
    stddev: stddev(sorted),
    cv: med === 0 ? Number.NaN : m / Math.abs(med),
  };
}
