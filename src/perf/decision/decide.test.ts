// Decisions on controlled, seeded synthetic samples (never on real timings).
import { describe, expect, it } from 'vitest';
import { normalSamples } from '../stats/index.ts';
import type { MetricSamples } from '../metrics/metric.ts';
import { decide, minimumDetectableEffect } from './decide.ts';
import { isFailing } from './decision.ts';

const latency = (samples: number[], extra: Partial<MetricSamples> = {}): MetricSamples => ({
  name: 'latency',
  unit: 'ms',
  direction: 'lower',
  kind: 'timing',
  samples,
  ...extra,
});

describe('timing decisions', () => {
  it('identical distributions -> PASS, not significant', () => {
    for (let seed = 0; seed < 20; seed++) {
      const d = decide(latency(normalSamples(40, 100, 3, seed + 100)), latency(normalSamples(40, 100, 3, seed + 200)));
      expect(d.status).toBe('PASS');
    }
  });
  it('a 15% slower distribution -> REGRESSED; 15% faster -> IMPROVED; higher-is-better flips', () => {
    const base = latency(normalSamples(40, 100, 3, 1));
    const d = decide(latency(normalSamples(40, 115, 3, 2)), base);
    expect(d.status).toBe('REGRESSED');
    expect(d.significant).toBe(true);
    expect(d.evidence.pValue).toBeLessThan(0.01);
    expect(d.evidence.ratio).toBeGreaterThan(1.1);
    expect(isFailing(d)).toBe(true);
    expect(decide(latency(normalSamples(40, 85, 3, 3)), base).status).toBe('IMPROVED');
    const thr = (s: number[]): MetricSamples => latency(s, { name: 'tput', unit: 'items/s', direction: 'higher' });
    expect(decide(thr(normalSamples(40, 115, 3, 4)), thr(normalSamples(40, 100, 3, 5))).status).toBe('IMPROVED');
    expect(decide(thr(normalSamples(40, 85, 3, 4)), thr(normalSamples(40, 100, 3, 5))).status).toBe('REGRESSED');
  });
  it('a significant change within tolerance is PASS (significant, not a regression)', () => {
    const d = decide(latency(normalSamples(200, 102, 1, 6)), latency(normalSamples(200, 100, 1, 7)));
    expect(d.status).toBe('PASS');
    expect(d.significant).toBe(true);
  });
  it('overlapping noisy samples -> INCONCLUSIVE asking for more, then a decision after re-sampling', () => {
    const base = latency(normalSamples(60, 100, 15, 8));
    const first = normalSamples(6, 112, 15, 9);
    const d1 = decide(latency(first), base);
    expect(d1.status).toBe('INCONCLUSIVE');
    expect(d1.needsMoreSamples).toBe(true);
    expect(d1.warnings.join(' ')).toMatch(/low n/);
    // The harness re-samples the current metric; with enough samples the shift is resolved.
    const more = [...first, ...normalSamples(80, 112, 15, 10)];
    const d2 = decide(latency(more), base, { final: true });
    expect(d2.status).toBe('REGRESSED');
    expect(d2.needsMoreSamples).toBe(false);
  });
  it('INCONCLUSIVE that stays unresolved after the last round does not fail the run', () => {
    const d = decide(latency(normalSamples(5, 110, 30, 11)), latency(normalSamples(5, 100, 30, 12)), { final: true });
    expect(['INCONCLUSIVE', 'PASS']).toContain(d.status);
    expect(d.needsMoreSamples).toBe(false);
    expect(isFailing(d)).toBe(false);
  });
  it('no baseline -> NEW; a different unit -> NEW with a warning', () => {
    expect(decide(latency([1, 2, 3]), undefined).status).toBe('NEW');
    const d = decide(latency([1, 2, 3]), latency([1, 2, 3], { unit: 's' }));
    expect(d.status).toBe('NEW');
    expect(d.warnings.join(' ')).toMatch(/definition changed/);
  });
  it('a different environment is flagged and advisory by default, failing only when asked', () => {
    const base = latency(normalSamples(40, 100, 3, 1));
    const cur = latency(normalSamples(40, 130, 3, 2));
    const d = decide(cur, base, { environmentDiffers: ['cpu: A vs B'] });
    expect(d.status).toBe('REGRESSED');
    expect(d.advisory).toBe(true);
    expect(isFailing(d)).toBe(false);
    expect(d.warnings.join(' ')).toMatch(/environment differs.*cpu: A vs B/);
    expect(isFailing(decide(cur, base, { environmentDiffers: ['x'], advisoryOnEnvironmentMismatch: false }))).toBe(true);
  });
  it('--timing-advisory reports timing regressions and budget failures without failing; exact metrics stay binding', () => {
    const base = latency(normalSamples(40, 100, 3, 1));
    const regressed = decide(latency(normalSamples(40, 130, 3, 2)), base, { timingAdvisory: true });
    expect(regressed.status).toBe('REGRESSED');
    expect(isFailing(regressed)).toBe(false);
    const overBudget = decide(latency(normalSamples(30, 100, 2, 3), { budget: { max: 90 } }), undefined, { timingAdvisory: true });
    expect(overBudget.status).toBe('BUDGET-FAIL');
    expect(isFailing(overBudget)).toBe(false);
    expect(overBudget.warnings.join(' ')).toMatch(/advisory in this run/);
    const exact = decide(latency([3], { kind: 'exact', budget: { max: 2 } }), undefined, { timingAdvisory: true });
    expect(exact.status).toBe('BUDGET-FAIL');
    expect(isFailing(exact)).toBe(true);
  });
  it('a budget beyond its limit -> BUDGET-FAIL, whatever the baseline says', () => {
    const d = decide(latency(normalSamples(30, 100, 2, 3), { budget: { max: 90 } }), latency(normalSamples(30, 100, 2, 4)));
    expect(d.status).toBe('BUDGET-FAIL');
    expect(d.evidence.budget).toMatchObject({ statistic: 'median', max: 90, ok: false });
    const ok = decide(latency(normalSamples(30, 100, 2, 3), { budget: { max: 120, statistic: 'p95' } }), undefined);
    expect(ok.status).toBe('NEW');
    expect(ok.evidence.budget?.ok).toBe(true);
  });
  it('noise warnings and the minimum detectable effect travel with the result', () => {
    const d = decide(latency(normalSamples(30, 100, 20, 5)), latency(normalSamples(30, 100, 20, 6)));
    expect(d.warnings.join(' ')).toMatch(/noisy: CV/);
    expect(d.warnings.join(' ')).toMatch(/minimum detectable effect/);
    const mde = minimumDetectableEffect(normalSamples(100, 100, 2, 1), normalSamples(100, 100, 2, 2));
    // (2.576 + 0.842) * sqrt(2) * 1.2533 * 2 / sqrt(100) / 100 ~= 0.012
    expect(mde).toBeGreaterThan(0.009);
    expect(mde).toBeLessThan(0.015);
  });
});

describe('exact decisions', () => {
  const count = (v: number, extra: Partial<MetricSamples> = {}): MetricSamples => ({
    name: 'queries',
    unit: 'queries',
    direction: 'lower',
    kind: 'exact',
    samples: [v],
    ...extra,
  });
  it('compares exactly: equal PASS, worse REGRESSED, better IMPROVED', () => {
    expect(decide(count(3), count(3)).status).toBe('PASS');
    expect(decide(count(4), count(3)).status).toBe('REGRESSED');
    expect(decide(count(2), count(3)).status).toBe('IMPROVED');
    const recall = (v: number): MetricSamples => count(v, { name: 'recall', unit: 'ratio', direction: 'higher' });
    expect(decide(recall(0.95), recall(0.96)).status).toBe('REGRESSED');
  });
  it('honours an explicit tolerance and flags non-deterministic values', () => {
    expect(decide(count(101, { tolerance: 0.02 }), count(100)).status).toBe('PASS');
    expect(decide(count(0, { samples: [1, 2] }), undefined).warnings[0]).toMatch(/not deterministic/);
  });
});

describe('budget-only metrics', () => {
  it('are shown against the baseline but judged by their budget only', () => {
    const leak = (samples: number[], budget?: number): MetricSamples => ({ name: 'leak', unit: 'MB/min', direction: 'lower', kind: 'timing', judge: 'budget-only', samples, ...(budget !== undefined && { budget: { max: budget } }) });
    const d = decide(leak(normalSamples(20, 5, 0.1, 1)), leak(normalSamples(20, 0.01, 0.1, 2)));
    expect(d.status).toBe('PASS');
    expect(d.evidence.baseline).toBeDefined();
    expect(decide(leak(normalSamples(20, 5, 0.1, 1), 1), undefined).status).toBe('BUDGET-FAIL');
  });
});
