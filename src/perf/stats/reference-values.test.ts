// Statistics checked against reference values computed with R / scipy (values in comments).
import { describe, expect, it } from 'vitest';
import {
  bootstrapMedianCi,
  bootstrapRatioOfMediansCi,
  linearRegression,
  mad,
  mannWhitneyU,
  median,
  normalCdf,
  normalQuantile,
  normalSamples,
  percentiles,
  studentTCdf,
  studentTQuantile,
  summarize,
} from './index.ts';

describe('descriptive statistics', () => {
  const xs = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
  it('percentiles match numpy linear / R type 7', () => {
    // np.percentile(xs, [5, 25, 50, 90, 99]) -> [1, 2.5, 4, 6, 8.7]
    const ps = percentiles(xs, [5, 25, 50, 90, 99]);
    expect(ps.map((p) => Number(p.toFixed(10)))).toEqual([1, 2.5, 4, 6, 8.7]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('MAD matches R mad() (scaled by 1.4826)', () => {
    // scipy.stats.median_abs_deviation(xs) = 1 -> R mad(xs) = 1.4826
    expect(mad(xs)).toBeCloseTo(1.4826, 10);
    expect(mad(xs, { scaled: false })).toBe(1);
  });
  it('summary does not mutate its input', () => {
    const copy = [...xs];
    const s = summarize(xs);
    expect(xs).toEqual(copy);
    expect(s.min).toBe(1);
    expect(s.max).toBe(9);
    expect(s.n).toBe(11);
  });
});

describe('distributions', () => {
  it('normal CDF and quantile', () => {
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316300933, 12); // scipy norm.cdf(-3)
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306167813, 8); // norm.ppf(0.999)
    expect(normalCdf(0)).toBeCloseTo(0.5, 12);
  });
  it('Student t CDF and quantile', () => {
    expect(studentTCdf(2.0, 5)).toBeCloseTo(0.9490302605850708, 9); // t.cdf(2, 5)
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 8); // t.ppf(.975, 10)
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.7764451051977934, 8);
  });
});

describe('Mann-Whitney U', () => {
  it('exact p-value without ties (scipy method=exact)', () => {
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.07, 3.14, 1.28];
    const r = mannWhitneyU(x, y);
    expect(r.method).toBe('exact');
    expect(r.u).toBe(58);
    expect(r.pValue).toBeCloseTo(0.13591114767585355, 10);
    const r2 = mannWhitneyU([0.8, 1.1, 1.3, 1.9, 2.2, 2.6, 3.0], [2.4, 2.9, 3.3, 3.8, 4.1, 4.4, 4.9, 5.5]);
    expect(r2.u).toBe(3);
    expect(r2.pValue).toBeCloseTo(0.0021756021756021756, 12);
  });
  it('normal approximation with tie and continuity correction (R wilcox.test with ties)', () => {
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const r = mannWhitneyU(x, y);
    expect(r.method).toBe('normal');
    expect(r.u).toBe(58);
    expect(r.pValue).toBeCloseTo(0.13291945818531892, 8); // R: W = 58, p-value = 0.1329
    const r2 = mannWhitneyU([1, 2, 2, 3, 4, 5, 5, 6], [3, 4, 5, 6, 7, 7, 8, 9, 10]);
    expect(r2.u).toBe(10.5);
    expect(r2.pValue).toBeCloseTo(0.015563103281968275, 8);
  });
  it('large samples use the normal approximation', () => {
    const a = Array.from({ length: 60 }, (_, i) => i + 1);
    const b = a.map((v) => v + 10.5);
    const r = mannWhitneyU(a, b);
    expect(r.method).toBe('normal');
    expect(r.u).toBe(1225);
    expect(r.pValue).toBeCloseTo(0.0025668879435241754, 8);
  });
  it('identical samples are not significant', () => {
    expect(mannWhitneyU([1, 2, 3], [1, 2, 3]).pValue).toBe(1);
  });
});

describe('bootstrap', () => {
  it('CI of a median covers the true median and is reproducible with a seed', () => {
    const xs = normalSamples(200, 100, 5, 42);
    const a = bootstrapMedianCi(xs, { seed: 7 });
    const b = bootstrapMedianCi(xs, { seed: 7 });
    expect(a).toEqual(b);
    expect(a.lower).toBeLessThan(100);
    expect(a.upper).toBeGreaterThan(100);
    // Asymptotic SE of a normal median = 1.2533 * sd / sqrt(n) = 0.443: 95% half-width ~0.87.
    expect((a.upper - a.lower) / 2).toBeGreaterThan(0.5);
    expect((a.upper - a.lower) / 2).toBeLessThan(1.3);
  });
  it('CI of a ratio of medians brackets the true ratio', () => {
    const base = normalSamples(100, 100, 3, 1);
    const cur = normalSamples(100, 110, 3, 2);
    const ci = bootstrapRatioOfMediansCi(base, cur, { seed: 3 });
    expect(ci.lower).toBeLessThan(1.1);
    expect(ci.upper).toBeGreaterThan(1.1);
    expect(ci.lower).toBeGreaterThan(1.08);
    expect(ci.upper).toBeLessThan(1.12);
  });
});

describe('linear regression', () => {
  it('slope, intercept and CI match scipy.stats.linregress', () => {
    const r = linearRegression([1, 2, 3, 4, 5, 6], [2.1, 3.9, 6.2, 7.8, 10.1, 12.2]);
    expect(r.slope).toBeCloseTo(2.02, 10);
    expect(r.intercept).toBeCloseTo(-0.02, 10);
    expect(r.standardError).toBeCloseTo(0.04276179870599006, 10);
    const half = 2.7764451051977934 * 0.04276179870599006;
    expect(r.lower).toBeCloseTo(2.02 - half, 8);
    expect(r.upper).toBeCloseTo(2.02 + half, 8);
  });
});
