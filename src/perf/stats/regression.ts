// Ordinary least squares slope with a t-based confidence interval: the leak-rate estimator
// (post-GC heap against iteration number).
import { studentTQuantile } from './distributions.ts';

export interface SlopeEstimate {
  slope: number;
  intercept: number;
  /** Standard error of the slope. */
  standardError: number;
  lower: number;
  upper: number;
  confidence: number;
  n: number;
  rSquared: number;
}

export function linearRegression(x: readonly number[], y: readonly number[], confidence = 0.95): SlopeEstimate {
  const n = Math.min(x.length, y.length);
  if (n < 3) throw new RangeError(`linearRegression needs at least 3 points, got ${n}`);
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) throw new RangeError('linearRegression needs at least two distinct x values');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const sse = Math.max(0, syy - slope * sxy);
  const standardError = Math.sqrt(sse / (n - 2) / sxx);
  const t = studentTQuantile(1 - (1 - confidence) / 2, n - 2);
  return {
    slope,
    intercept,
    standardError,
    lower: slope - t * standardError,
    upper: slope + t * standardError,
    confidence,
    n,
    rSquared: syy === 0 ? 1 : (slope * sxy) / syy,
  };
}
