// Per-metric decision: budget first, then comparison with the baseline. Timing metrics need a
// change that is both significant (Mann-Whitney U p < alpha AND the bootstrap CI of the ratio
// of medians excludes 1) and beyond the tolerance; exact metrics are compared exactly.
import { bootstrapRatioOfMediansCi, mad, mannWhitneyU, median, normalQuantile } from '../stats/index.ts';
import { checkBudget } from '../budget/budget.ts';
import { isBetter, toleranceOf, type MetricSamples } from '../metrics/metric.ts';
import type { Decision, Evidence, Status } from './decision.ts';
import { machineSpeedNote } from './machine-guard.ts';
import { countSpread, decideInstructionCount } from './instructions.ts';

export interface DecisionOptions {
  /** Significance level of the test (default 0.01: a gate must not be flaky). */
  alpha?: number;
  /** Last round: no more re-sampling is possible, so resolve what can be resolved. */
  final?: boolean;
  /** Human-readable environment differences between baseline and current run. */
  environmentDiffers?: string[];
  /** Compare anyway but never fail on a different environment (default true: advisory). */
  advisoryOnEnvironmentMismatch?: boolean;
  /**
   * Calibration scores of this run and of the baseline's run: timing comparisons are advisory
   * when they differ by more than 10% (machine-guard.ts), like a different environment.
   */
  calibration?: { current: number | null | undefined; baseline: number | null | undefined };
  /** Timing metrics never fail (budget or regression): reported as advisory. Exact metrics stay binding. */
  timingAdvisory?: boolean;
  /** Seed of the bootstrap (decisions are reproducible). */
  seed?: number;
  /** Below this many samples a timing metric carries a low-n warning. */
  lowN?: number;
  /** Above this robust CV (MAD/median) a timing metric carries a noisy warning. */
  noisyCv?: number;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * Relative minimum detectable effect of a median comparison at `alpha` with 80% power, from the
 * robust noise of both groups: (z_{1-a/2} + z_{0.8}) * sqrt(se_b^2 + se_c^2) / median_b, where
 * the SE of a median is 1.2533 * sigma / sqrt(n) and sigma is the scaled MAD.
 */
export function minimumDetectableEffect(baseline: readonly number[], current: readonly number[], alpha = 0.01): number {
  const mb = median(baseline);
  if (!(mb !== 0) || baseline.length < 2 || current.length < 2) return Number.NaN;
  const se = (xs: readonly number[]): number => (1.2533 * mad(xs)) / Math.sqrt(xs.length);
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(0.8);
  return (z * Math.sqrt(se(baseline) ** 2 + se(current) ** 2)) / Math.abs(mb);
}

export function decide(current: MetricSamples, baseline: MetricSamples | undefined, options: DecisionOptions = {}): Decision {
  const { alpha = 0.01, final = false, seed = 1, lowN = 10, noisyCv = 0.1 } = options;
  const envDiff = options.environmentDiffers ?? [];
  const tolerance = toleranceOf(current);
  const warnings: string[] = [];
  const samples = current.samples;
  if (samples.length === 0) {
    return {
      status: 'INCONCLUSIVE',
      significant: false,
      advisory: false,
      needsMoreSamples: false,
      evidence: { current: Number.NaN, n: { current: 0 }, tolerance },
      warnings: ['no samples'],
    };
  }
  const cur = median(samples);
  const evidence: Evidence = { current: cur, n: { current: samples.length }, tolerance };

  if (current.kind === 'timing') {
    if (samples.length < lowN) warnings.push(`low n: ${samples.length} samples`);
    const cv = cur === 0 ? 0 : mad(samples) / Math.abs(cur);
    // A CV around a ~0 median (a leak rate) means nothing: only metrics judged by ratio get it.
    if (cv > noisyCv && current.judge !== 'budget-only') warnings.push(`noisy: CV ${pct(cv)}`);
  } else if (current.kind === 'instructions') {
    const spread = countSpread(samples);
    if (spread > 0.001) warnings.push(`instruction counts vary ${pct(spread)} between runs (expected < 0.1%): not deterministic?`);
  } else if (new Set(samples).size > 1) {
    warnings.push(`exact metric varies between samples (${Math.min(...samples)}..${Math.max(...samples)}): not deterministic?`);
  }

  let budgetFailed = false;
  if (current.budget) {
    const check = checkBudget(samples, current.budget);
    evidence.budget = check;
    budgetFailed = !check.ok;
    if (budgetFailed) {
      const limit = [check.min !== undefined ? `>= ${check.min}` : '', check.max !== undefined ? `<= ${check.max}` : ''].filter(Boolean).join(' and ');
      warnings.push(`budget: ${check.statistic} ${Number(check.value.toPrecision(4))} ${current.unit}, required ${limit}${current.budget?.source ? ` (${current.budget.source})` : ''}`);
    }
  }

  const advisoryOnMismatch = options.advisoryOnEnvironmentMismatch ?? true;
  if (envDiff.length > 0) warnings.push(`environment differs from baseline: ${envDiff.join('; ')}${advisoryOnMismatch ? ' (comparison is advisory)' : ''}`);
  // Only timing depends on the machine's speed: counts, recall and agreement stay binding.
  const machineNote = current.kind === 'timing' && baseline ? machineSpeedNote(options.calibration?.current, options.calibration?.baseline) : undefined;
  if (machineNote) warnings.push(advisoryOnMismatch ? machineNote : machineNote.replace(/timing comparisons against it are advisory: .*$/, 'compared anyway (--env-mismatch fail)'));
  const advisory = (envDiff.length > 0 || machineNote !== undefined) && advisoryOnMismatch;

  const timingAdvisory = current.kind === 'timing' && (options.timingAdvisory ?? false);
  if (timingAdvisory) warnings.push('timing metrics are advisory in this run (--timing-advisory)');
  const result = (status: Status, significant: boolean, needsMoreSamples = false): Decision => ({
    // A budget failure is absolute: it does not depend on the baseline's environment (but a
    // --timing-advisory run reports timing budgets without failing on them).
    status: budgetFailed ? 'BUDGET-FAIL' : status,
    significant,
    advisory: timingAdvisory ? status !== 'NEW' || budgetFailed : budgetFailed ? false : advisory && status !== 'NEW',
    needsMoreSamples: budgetFailed ? false : needsMoreSamples,
    evidence,
    warnings,
  });

  if (!baseline || baseline.samples.length === 0) return result('NEW', false);
  if (baseline.unit !== current.unit || baseline.direction !== current.direction || baseline.kind !== current.kind) {
    warnings.push(
      `metric definition changed (baseline ${baseline.kind} ${baseline.unit} ${baseline.direction}-is-better): treated as NEW`,
    );
    return result('NEW', false);
  }

  const base = median(baseline.samples);
  evidence.baseline = base;
  evidence.n.baseline = baseline.samples.length;
  if (current.judge === 'budget-only') return result('PASS', false);
  evidence.ratio = base === 0 ? (cur === 0 ? 1 : Number.POSITIVE_INFINITY) : cur / base;

  if (current.kind === 'instructions') {
    if (base <= 0) {
      warnings.push(`baseline instruction count ${base} cannot be compared: treated as NEW`);
      return result('NEW', false);
    }
    const d = decideInstructionCount(base, cur, tolerance);
    return result(d.status, cur !== base);
  }

  if (current.kind === 'exact') {
    const change = base === 0 ? (cur === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.abs(cur - base) / Math.abs(base);
    if (cur === base || change <= tolerance) return result('PASS', cur !== base);
    return result(isBetter(current.direction, cur, base) ? 'IMPROVED' : 'REGRESSED', true);
  }

  const ci = bootstrapRatioOfMediansCi(baseline.samples, samples, { confidence: 1 - alpha, seed });
  const mw = mannWhitneyU(baseline.samples, samples);
  evidence.ratioCi = [ci.lower, ci.upper];
  evidence.confidence = 1 - alpha;
  evidence.pValue = mw.pValue;
  evidence.mde = minimumDetectableEffect(baseline.samples, samples, alpha);
  if (baseline.samples.length < lowN) warnings.push(`low n in baseline: ${baseline.samples.length} samples`);

  const ratio = evidence.ratio;
  const significant = mw.pValue < alpha && (ci.lower > 1 || ci.upper < 1);
  const beyond = Math.abs(ratio - 1) > tolerance;
  const better = isBetter(current.direction, cur, base);
  if (Number.isFinite(evidence.mde) && evidence.mde! > tolerance) {
    warnings.push(`cannot resolve the ${pct(tolerance)} tolerance: minimum detectable effect ${pct(evidence.mde!)}`);
  }

  if (!significant) {
    if (!beyond) return result('PASS', false);
    // A large but not significant change: more samples may settle it; if not, say so.
    if (!final) return result('INCONCLUSIVE', false, true);
    warnings.push(`change of ${pct(ratio - 1)} is not significant (p=${mw.pValue.toPrecision(2)}) after re-sampling`);
    return result('INCONCLUSIVE', false);
  }
  if (!beyond) return result('PASS', true);
  // Significant and beyond tolerance: is the whole CI beyond it too? If not, re-sample first.
  const ciBeyond = ratio > 1 ? ci.lower > 1 + tolerance : ci.upper < 1 - tolerance;
  if (!ciBeyond && !final) return result('INCONCLUSIVE', true, true);
  return result(better ? 'IMPROVED' : 'REGRESSED', true);
}
