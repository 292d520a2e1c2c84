// Multiple comparisons across one run: ~100 timing metrics are each tested at alpha, so without a
// correction a run of unchanged code would flag about one of them by chance. The run's timing
// p-values are adjusted together (Benjamini-Hochberg by default: under "nothing changed" it bounds
// the chance of any false verdict by alpha, like Holm, and keeps more power when a change moves
// many metrics at once, e.g. a slower embedder); a REGRESSED / IMPROVED verdict whose adjusted
// p-value is not below alpha becomes INCONCLUSIVE.
import { adjustPValues, type PAdjustMethod } from '../stats/multiple.ts';
import type { MetricResult } from '../metrics/run-result.ts';

export type PAdjust = PAdjustMethod | 'none';

const METHOD_NAME: Record<PAdjustMethod, string> = { holm: 'Holm', bh: 'Benjamini-Hochberg' };

/** Timing comparisons with a p-value: the family one run's correction covers. */
function inFamily(m: MetricResult): boolean {
  return m.kind === 'timing' && m.judge !== 'budget-only' && Number.isFinite(m.decision.evidence.pValue);
}

/**
 * Adjust the p-values of a run's timing comparisons and re-judge their significance. Idempotent:
 * each metric keeps its verdict before the correction, so a merged run (shards) is corrected
 * once over the whole family, not twice.
 */
export function applyMultipleComparisons(metrics: readonly MetricResult[], method: PAdjust, alpha: number): MetricResult[] {
  const family = metrics.filter(inFamily);
  if (method === 'none' || family.length === 0) return [...metrics];
  const adjusted = adjustPValues(
    family.map((m) => m.decision.evidence.pValue!),
    method,
  );
  const byMetric = new Map(family.map((m, i) => [m, adjusted[i]!]));
  return metrics.map((m) => {
    const pAdjusted = byMetric.get(m);
    if (pAdjusted === undefined) return m;
    const before = m.decision.multipleComparisons ?? { status: m.decision.status, significant: m.decision.significant, warnings: m.decision.warnings };
    const decision = {
      ...m.decision,
      status: before.status,
      significant: before.significant,
      warnings: [...before.warnings],
      evidence: { ...m.decision.evidence, pAdjusted },
      multipleComparisons: { method, family: family.length, ...before },
    };
    if (before.significant && pAdjusted >= alpha) {
      decision.significant = false;
      if (before.status === 'REGRESSED' || before.status === 'IMPROVED') {
        decision.status = 'INCONCLUSIVE';
        decision.warnings.push(
          `not significant across the run's ${family.length} timing comparisons (${METHOD_NAME[method]}: p ${m.decision.evidence.pValue!.toPrecision(2)}, adjusted ${pAdjusted.toPrecision(2)} >= ${alpha})`,
        );
      }
    }
    return { ...m, decision };
  });
}
