// The paired A/B estimate: reference values (scipy, hand-computed), edge cases, and simulations
// with seeded data showing the interval is honest when rounds (process pairs) differ.
import { describe, expect, it } from 'vitest';
import { adjustPValues, normalDeviate, orderStatisticMedianCi, pairedRatioEstimate, seededRng, signTestP } from './index.ts';

describe('pairedRatioEstimate: reference values', () => {
  it('rounds of one pair each reduce to the paired t-test (scipy ttest_1samp / t.interval)', () => {
    const x = [0.012, 0.031, -0.004, 0.022, 0.017];
    const e = pairedRatioEstimate(x.map((v) => [v]));
    expect(e.ratio).toBeCloseTo(Math.exp(0.0156), 12);
    // scipy: t.interval(0.95, 4, loc=mean, scale=sem) = (-0.000555952516484633, 0.03175595251648463)
    expect(e.ci[0]).toBeCloseTo(Math.exp(-0.000555952516484633), 8);
    expect(e.ci[1]).toBeCloseTo(Math.exp(0.03175595251648463), 8);
    expect(e.p).toBeCloseTo(0.05517677791652463, 8); // ttest_1samp(x, 0).pvalue
    expect(e.rounds).toBe(5);
    expect(e.pairs).toBe(5);
    // MDE: (t_{0.975,4} + t_{0.8,4}) * sem = (2.776445 + 0.940965) * 0.0057098... (hand-computed)
    const sem = (0.03175595251648463 - 0.0156) / 2.7764451051977934;
    expect(e.mde).toBeCloseTo(Math.expm1((2.7764451051977934 + 0.9409645) * sem), 5);
  });

  it('one round: median of the pairs, order-statistic interval, sign-test p-value, and a warning', () => {
    const y = [0.05, -0.01, 0.03, 0.02, 0.04, 0.06, -0.02, 0.01, 0.035, 0.045];
    const e = pairedRatioEstimate([y]);
    expect(e.ratio).toBeCloseTo(Math.exp(0.0325), 12); // np.median(y)
    // n = 10 at 95%: [x_(2), x_(9)] (coverage 1 - 2 * 11/1024 = 0.9785; x_(3) would be 0.8906).
    expect(e.ci[0]).toBeLessThanOrEqual(Math.exp(-0.01));
    expect(e.ci[1]).toBeGreaterThanOrEqual(Math.exp(0.05));
    expect(e.p).toBeGreaterThanOrEqual(0.109375 - 1e-12); // scipy binomtest(8, 10).pvalue
    expect(e.warnings.join(' ')).toMatch(/process-level \(between-round\) variance is not included/);
  });

  it('order-statistic median interval and sign test match hand-computed and scipy values', () => {
    const y = [0.05, -0.01, 0.03, 0.02, 0.04, 0.06, -0.02, 0.01, 0.035, 0.045];
    expect(orderStatisticMedianCi(y, 0.95)).toEqual([-0.01, 0.05]);
    expect(orderStatisticMedianCi([1, 2, 3, 4, 5, 6], 0.95)).toEqual([1, 6]); // 1 - 2/64 = 0.969
    expect(orderStatisticMedianCi([1, 2, 3, 4, 5], 0.95)).toEqual([-Infinity, Infinity]); // 1 - 2/32 = 0.9375
    expect(signTestP(y)).toBeCloseTo(0.109375, 12); // binomtest(8, 10, 0.5)
    expect(signTestP([1, -1, -2, -3, -4, -5, -6])).toBeCloseTo(0.125, 12); // binomtest(1, 7)
    expect(signTestP([1, 2, 3, 4, 5, 6, 0])).toBeCloseTo(0.03125, 12); // zero dropped: binomtest(6, 6)
    const thirty = Array.from({ length: 30 }, (_, i) => (i < 20 ? 1 : -1));
    expect(signTestP(thirty)).toBeCloseTo(0.09873714670538905, 10); // binomtest(20, 30)
  });

  it('identical sides give ratio 1, a degenerate interval at 1 and p = 1', () => {
    const e = pairedRatioEstimate([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(e).toMatchObject({ ratio: 1, ci: [1, 1], p: 1, rounds: 3, pairs: 9 });
  });

  it('is deterministic for a seed', () => {
    const rounds = generateRounds(seededRng(5), { rounds: 4, pairs: 12, between: 0.01, within: 0.03, shift: 0 });
    expect(pairedRatioEstimate(rounds, { seed: 9 })).toEqual(pairedRatioEstimate(rounds, { seed: 9 }));
  });

  it('few pairs in one round give an unbounded interval, never a false significance', () => {
    const e = pairedRatioEstimate([[0.2, 0.3, 0.25]]);
    expect(e.ci).toEqual([0, Infinity]);
    expect(e.p).toBeGreaterThanOrEqual(0.25); // binomtest(3, 3) = 0.25
    expect(e.mde).toBe(Infinity);
    expect(e.warnings.join(' ')).toMatch(/3 pair\(s\) in one round cannot give a 95% interval/);
  });

  it('places the interval against a tolerance and warns when the MDE cannot resolve it', () => {
    const rng = seededRng(11);
    const same = generateRounds(rng, { rounds: 5, pairs: 40, between: 0.005, within: 0.02, shift: 0 });
    expect(pairedRatioEstimate(same, { tolerance: 0.05 }).versusTolerance).toBe('inside');
    const slower = generateRounds(rng, { rounds: 5, pairs: 40, between: 0.005, within: 0.02, shift: Math.log(1.2) });
    expect(pairedRatioEstimate(slower, { tolerance: 0.05 }).versusTolerance).toBe('beyond');
    const tiny = pairedRatioEstimate(same, { tolerance: 0.001 });
    expect(tiny.warnings.join(' ')).toMatch(/cannot resolve the 0.1% tolerance: minimum detectable effect/);
  });

  it('names bad input', () => {
    expect(() => pairedRatioEstimate([])).toThrow(/no pairs: pass at least one round/);
    expect(() => pairedRatioEstimate([[], []])).toThrow(/no pairs/);
    expect(() => pairedRatioEstimate([[0.1], [Number.NaN]])).toThrow(/round 2, pair 1 is NaN: pass log\(head\/base\)/);
    expect(() => pairedRatioEstimate([[0.1]], { confidence: 95 })).toThrow(/confidence must be in \(0, 1\)/);
    const e = pairedRatioEstimate([[0.1, 0.2], [], [0.1, 0.15]]);
    expect(e.rounds).toBe(2);
    expect(e.warnings).toContain('1 empty round(s) ignored');
  });
});

describe('adjustPValues', () => {
  const ps = [0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.0001];
  it('Holm matches R p.adjust(method = "holm") (hand-computed)', () => {
    expect(adjustPValues(ps, 'holm').map((p) => Number(p.toFixed(12)))).toEqual([0.05, 0.12, 0.12, 0.03, 0.4, 0.5, 0.0007]);
  });
  it('Benjamini-Hochberg matches scipy.stats.false_discovery_control / R p.adjust(method = "BH")', () => {
    const expected = [0.023333333333333334, 0.055999999999999994, 0.0525, 0.0175, 0.23333333333333336, 0.5, 0.0007];
    adjustPValues(ps, 'bh').forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 12));
  });
  it('keeps NaN out of the family and rejects p-values outside [0, 1]', () => {
    expect(adjustPValues([0.01, Number.NaN, 0.02], 'holm')).toEqual([0.02, Number.NaN, 0.02]);
    expect(adjustPValues([], 'bh')).toEqual([]);
    expect(() => adjustPValues([1.5], 'bh')).toThrow(/p-value 1 is 1.5/);
  });
});

// Log ratios of `rounds` fresh process pairs: each round carries its own offset (between-round
// SD), pairs vary around it (within SD) with 5% of pairs 4x noisier (bursts of load).
function generateRounds(
  rng: () => number,
  g: { rounds: number; pairs: number; between: number; within: number; shift: number },
): number[][] {
  return Array.from({ length: g.rounds }, () => {
    const offset = g.shift + g.between * normalDeviate(rng);
    return Array.from({ length: g.pairs }, () => offset + g.within * normalDeviate(rng) * (rng() < 0.05 ? 4 : 1));
  });
}

function simulate(seed: number, sims: number, g: Parameters<typeof generateRounds>[1]): { excludes1: number; covers: number } {
  const rng = seededRng(seed);
  let excludes1 = 0;
  let covers = 0;
  for (let s = 0; s < sims; s++) {
    const e = pairedRatioEstimate(generateRounds(rng, g), { resamples: 500, seed: s + 1 });
    if (e.ci[0] > 1 || e.ci[1] < 1) excludes1++;
    if (e.ci[0] <= Math.exp(g.shift) && e.ci[1] >= Math.exp(g.shift)) covers++;
  }
  return { excludes1: excludes1 / sims, covers: covers / sims };
}

describe('pairedRatioEstimate: simulations (seeded)', () => {
  // Process pairs differ by 1.5% (SD) and pairs within a round by 3%: the regime measured on our
  // machine (fresh A/A process pairs 0.975-1.030, SD 1.35%; within-run CV 2.5-3%). An interval
  // from the pairs alone would exclude 1 in ~20-50% of A/A runs here.
  it('A/A: a 95% interval excludes 1 in about 5% of runs when rounds differ (the interval is honest)', () => {
    const r = simulate(101, 300, { rounds: 5, pairs: 20, between: 0.015, within: 0.03, shift: 0 });
    expect(r.excludes1).toBeGreaterThan(0.015);
    expect(r.excludes1).toBeLessThan(0.085);
  }, 60_000);

  it('A/A with three rounds of 40 pairs: still about 5%', () => {
    const r = simulate(102, 200, { rounds: 3, pairs: 40, between: 0.013, within: 0.03, shift: 0 });
    expect(r.excludes1).toBeGreaterThan(0.01);
    expect(r.excludes1).toBeLessThan(0.095);
  }, 60_000);

  it('single-shot metrics (one pair per round, 6 rounds): about 5%', () => {
    const r = simulate(103, 400, { rounds: 6, pairs: 1, between: 0.01, within: 0.03, shift: 0 });
    expect(r.excludes1).toBeGreaterThan(0.015);
    expect(r.excludes1).toBeLessThan(0.085);
  }, 60_000);

  it('a 10% slowdown is detected (interval above 1) and covered', () => {
    const r = simulate(104, 200, { rounds: 5, pairs: 20, between: 0.015, within: 0.03, shift: Math.log(1.1) });
    expect(r.excludes1).toBeGreaterThanOrEqual(0.99);
    expect(r.covers).toBeGreaterThan(0.9);
  }, 60_000);
});
