// The run-level correction for multiple comparisons on real decisions over seeded samples.
import { describe, expect, it } from 'vitest';
import { normalSamples } from '../stats/index.ts';
import type { MetricSamples } from '../metrics/metric.ts';
import { makeMetricResult } from './metric-result.ts';
import { applyMultipleComparisons } from './multiplicity.ts';
import type { MetricResult } from '../metrics/run-result.ts';

const timing = (name: string, samples: number[]): MetricSamples => ({ name, unit: 'ms', direction: 'lower', kind: 'timing', samples, tolerance: 0.05 });
/** `shift` 1 with `same`: the baseline holds the very same samples (p = 1). */
const compared = (name: string, n: number, shift: number, seed: number, same = false): MetricResult =>
  makeMetricResult({
    suite: 's',
    test: name,
    metric: timing(name, normalSamples(n, 100 * shift, 3, seed)),
    baseline: { metric: timing(name, normalSamples(n, 100, 3, same ? seed : seed + 1000)), file: 'b.json', savedAt: '2024-01-01T00:00:00Z', environmentDiffers: [] },
    decision: { alpha: 0.01, final: true },
  });

describe('applyMultipleComparisons', () => {
  // 8 vs 8 samples 10% apart: REGRESSED alone (exact Mann-Whitney p = 2/12870 = 1.6e-4), but not
  // once 99 other timing comparisons share the run (BH: 1.6e-4 * 100 = 0.016 >= 0.01).
  const weak = compared('weak', 8, 1.1, 1);
  const family = [weak, ...Array.from({ length: 99 }, (_, i) => compared(`same ${i}`, 8, 1, i + 10, true))];

  it('a verdict significant alone becomes INCONCLUSIVE in a family of 100 (BH), with the adjusted p-value', () => {
    expect(weak.decision.status).toBe('REGRESSED');
    expect(weak.decision.evidence.pValue).toBeCloseTo(2 / 12870, 10);
    const out = applyMultipleComparisons(family, 'bh', 0.01);
    const w = out[0]!;
    expect(w.decision.status).toBe('INCONCLUSIVE');
    expect(w.decision.significant).toBe(false);
    expect(w.decision.evidence.pAdjusted).toBeCloseTo((2 / 12870) * 100, 8);
    expect(w.decision.warnings.join(' ')).toMatch(/not significant across the run's 100 timing comparisons \(Benjamini-Hochberg: p 0.00016, adjusted 0.016 >= 0.01\)/);
    expect(w.decision.multipleComparisons).toMatchObject({ method: 'bh', family: 100, status: 'REGRESSED' });
    expect(out.every((m) => m.decision.evidence.pAdjusted !== undefined)).toBe(true);
  });

  it('a strong change survives the correction (Holm and BH)', () => {
    const strong = compared('strong', 30, 1.2, 2);
    for (const method of ['holm', 'bh'] as const) {
      const out = applyMultipleComparisons([strong, ...family.slice(1)], method, 0.01);
      expect(out[0]!.decision.status).toBe('REGRESSED');
      expect(out[0]!.decision.evidence.pAdjusted!).toBeLessThan(0.01);
    }
  });

  it('is idempotent (merging shards corrects once over the union), and leaves exact and budget-only metrics alone', () => {
    const exact = makeMetricResult({
      suite: 's',
      test: 'count',
      metric: { name: 'count', unit: 'n', direction: 'lower', kind: 'exact', samples: [3] },
      baseline: { metric: { name: 'count', unit: 'n', direction: 'lower', kind: 'exact', samples: [2] }, file: 'b.json', savedAt: 'x', environmentDiffers: [] },
    });
    const shard = applyMultipleComparisons([weak, exact], 'bh', 0.01);
    expect(shard[0]!.decision.status).toBe('REGRESSED'); // a family of 1
    const merged = applyMultipleComparisons([...shard, ...family.slice(1)], 'bh', 0.01);
    expect(merged[0]!.decision.status).toBe('INCONCLUSIVE');
    expect(applyMultipleComparisons(merged, 'bh', 0.01)).toEqual(merged);
    expect(merged[1]!.decision.status).toBe('REGRESSED');
    expect(merged[1]!.decision.evidence.pAdjusted).toBeUndefined();
    expect(applyMultipleComparisons(family, 'none', 0.01)[0]!.decision.status).toBe('REGRESSED');
  });
});
