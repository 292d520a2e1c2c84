// A/B verdicts before the run-wide multiple-comparison correction (pure).
// REGRESSED / IMPROVED: the interval lies entirely beyond the tolerance (and p < alpha); the
// correction (decision/multiplicity.ts, applied by finishRun) then turns one whose adjusted p is
// not below alpha into INCONCLUSIVE. PASS: the interval lies inside +-tolerance. Otherwise
// INCONCLUSIVE with the minimum detectable effect: more rounds may settle it; when none are left
// it is reported, never a failure.
import { applyMultipleComparisons, type PAdjust } from '../decision/multiplicity.ts';
import { toleranceOf } from '../metrics/metric.ts';
import type { MetricResult } from '../metrics/run-result.ts';
import type { AbCandidate } from './combine.ts';

export interface JudgeOptions {
  alpha: number;
  /** Rounds a metric needs before it can be decided. */
  minRounds: number;
  /** No more rounds will run: undecided metrics are final INCONCLUSIVE (with why). */
  final: boolean;
}

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

/** Verdicts from the intervals, before the correction for multiple comparisons. */
export function judgeAb(candidates: readonly AbCandidate[], options: JudgeOptions): MetricResult[] {
  for (const c of candidates) if (c.judged) verdict(c, options);
  return candidates.map((c) => c.result);
}

/** Verdicts after the correction: what a round loop uses to find undecided metrics. */
export function judgeAbCorrected(candidates: readonly AbCandidate[], options: JudgeOptions & { pAdjust: PAdjust }): MetricResult[] {
  return applyMultipleComparisons(judgeAb(candidates, options), options.pAdjust, options.alpha);
}

/** Metrics a further round could still settle. */
export function undecided(metrics: readonly MetricResult[]): MetricResult[] {
  return metrics.filter((m) => m.decision.status === 'INCONCLUSIVE' && m.ab !== undefined && (m.ab.pairing !== 'exact' && m.ab.pairing !== 'one-side' && m.ab.pairing !== 'budget-only'));
}

function verdict(c: AbCandidate, o: JudgeOptions): void {
  const m = c.result;
  const d = m.decision;
  const j = c.judged!;
  const difference = j.kind === 'difference';
  const tol = difference ? m.absoluteTolerance! : toleranceOf(m);
  const [low, high] = difference ? [-tol, tol] : [1 - tol, 1 + tol];
  const worse = m.direction === 'lower' ? j.lo > high : j.hi < low;
  const better = m.direction === 'lower' ? j.hi < low : j.lo > high;
  const inside = j.lo >= low && j.hi <= high;
  d.significant = j.pRaw < o.alpha;
  const rounds = m.ab?.rounds ?? 0;
  const show = (x: number): string => (difference ? `${x >= 0 ? '+' : ''}${Number(x.toPrecision(3))} ${m.unit}` : pct(x - 1));
  const bound = difference ? `+-${tol} ${m.unit}` : `+-${(tol * 100).toFixed(1)}%`;
  const mde = d.evidence.mde;
  const mdeText = mde === undefined || !Number.isFinite(mde) ? 'unbounded' : difference ? `${Number(mde.toPrecision(3))} ${m.unit}` : `${(mde * 100).toFixed(1)}%`;
  let status: typeof d.status;
  if (rounds < o.minRounds) {
    status = 'INCONCLUSIVE';
    if (o.final) d.warnings.push(`measured in ${rounds} round(s) on both sides; ${o.minRounds} are needed to judge a change`);
  } else if ((worse || better) && d.significant) {
    status = worse ? 'REGRESSED' : 'IMPROVED';
  } else if (inside) {
    status = 'PASS';
  } else {
    status = 'INCONCLUSIVE';
    if (o.final) d.warnings.push(`undecided after ${rounds} round(s), ${m.ab?.pairs ?? 0} pairs: the interval [${show(j.lo)}, ${show(j.hi)}] is not inside the ${bound} tolerance, nor beyond it with significance; minimum detectable effect ${mdeText}`);
  }
  if (d.status !== 'BUDGET-FAIL') d.status = status;
  d.needsMoreSamples = false;
}

/**
 * Suites whose every metric is exact (counts, recall on fixed seeds, instruction counts): one
 * round decides them, so later rounds leave them out (an instruction-count suite alone takes
 * minutes under valgrind).
 */
export function settledSuites(metrics: readonly MetricResult[]): string[] {
  const bySuite = new Map<string, boolean>();
  for (const m of metrics) bySuite.set(m.suite, (bySuite.get(m.suite) ?? true) && m.ab?.pairing === 'exact');
  return [...bySuite].filter(([, exact]) => exact).map(([suite]) => suite).sort();
}
