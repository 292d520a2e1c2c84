// Percentile bootstrap confidence intervals of a median and of a ratio of medians (seeded).
import { quantileSorted } from './descriptive.ts';
import { seededRng, type Rng } from './rng.ts';

export interface BootstrapOptions {
  /** Confidence level, e.g. 0.95. */
  confidence?: number;
  resamples?: number;
  seed?: number;
}

export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
}

function resampleMedian(samples: Float64Array, scratch: Float64Array, rng: Rng): number {
  const n = samples.length;
  for (let i = 0; i < n; i++) scratch[i] = samples[Math.floor(rng() * n)]!;
  scratch.sort();
  return quantileSorted(scratch, 0.5);
}

function percentileInterval(estimate: number, stats: Float64Array, confidence: number): Interval {
  stats.sort();
  const alpha = 1 - confidence;
  return { estimate, lower: quantileSorted(stats, alpha / 2), upper: quantileSorted(stats, 1 - alpha / 2), confidence };
}

export function bootstrapMedianCi(samples: readonly number[], options: BootstrapOptions = {}): Interval {
  const { confidence = 0.95, resamples = 2000, seed = 1 } = options;
  const data = Float64Array.from(samples).sort();
  const estimate = quantileSorted(data, 0.5);
  if (data.length < 2) return { estimate, lower: estimate, upper: estimate, confidence };
  const rng = seededRng(seed);
  const scratch = new Float64Array(data.length);
  const stats = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) stats[b] = resampleMedian(data, scratch, rng);
  return percentileInterval(estimate, stats, confidence);
}

/** CI of median(current) / median(baseline), resampling both groups independently. */
export function bootstrapRatioOfMediansCi(
  baseline: readonly number[],
  current: readonly number[],
  options: BootstrapOptions = {},
): Interval {
  const { confidence = 0.95, resamples = 2000, seed = 1 } = options;
  const a = Float64Array.from(baseline).sort();
  const b = Float64Array.from(current).sort();
  const estimate = quantileSorted(b, 0.5) / quantileSorted(a, 0.5);
  if (a.length < 2 || b.length < 2) return { estimate, lower: estimate, upper: estimate, confidence };
  const rng = seededRng(seed);
  const sa = new Float64Array(a.length);
  const sb = new Float64Array(b.length);
  const stats = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) stats[i] = resampleMedian(b, sb, rng) / resampleMedian(a, sa, rng);
  return percentileInterval(estimate, stats, confidence);
}
