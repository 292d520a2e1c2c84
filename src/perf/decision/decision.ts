// Decision types: a per-metric verdict with its evidence and warnings (failures are data).

/** REMOVED: an A/B run's base has the metric and its head does not (never failing). */
export type Status = 'PASS' | 'IMPROVED' | 'REGRESSED' | 'BUDGET-FAIL' | 'NEW' | 'REMOVED' | 'INCONCLUSIVE';

export interface Evidence {
  /** Current estimate (median for timing metrics, the value for exact ones). */
  current: number;
  baseline?: number;
  /** current / baseline. */
  ratio?: number;
  /** Bootstrap CI of the ratio of medians. */
  ratioCi?: [number, number];
  confidence?: number;
  /** Two-sided p-value of "no change" (Mann-Whitney U against a stored baseline). */
  pValue?: number;
  /** `pValue` adjusted across the run's timing comparisons (see multiplicity.ts). */
  pAdjusted?: number;
  n: { current: number; baseline?: number };
  /** Difference metrics (A/B mode): head - base in the metric's unit, and its interval. */
  difference?: number;
  differenceCi?: [number, number];
  /** Minimum detectable effect (relative, 80% power at alpha) given the noise and n. */
  mde?: number;
  tolerance: number;
  /** The budgeted estimate and its limit when a budget exists. */
  budget?: { statistic: string; value: number; min?: number; max?: number; ok: boolean };
}

export interface TargetCheck {
  met: boolean;
  /** The measured statistic the goal applies to. */
  value: number;
  /** The goal in words, e.g. ">= 1500 texts/s (median)". */
  goal: string;
  statistic: string;
  source?: string;
}

export interface Decision {
  status: Status;
  /** False when the change is not statistically significant (rendered `~`). */
  significant: boolean;
  /** An advisory decision is reported but never fails the run (e.g. environment differs). */
  advisory: boolean;
  /** INCONCLUSIVE that more samples may resolve. */
  needsMoreSamples: boolean;
  evidence: Evidence;
  /** The advisory target, when the metric has one: the measured statistic against our goal. */
  target?: TargetCheck;
  warnings: string[];
  /** Set by the run-level correction: its method and family size, and the verdict before it. */
  multipleComparisons?: { method: 'holm' | 'bh'; family: number; status: Status; significant: boolean; warnings: string[] };
}

/** Statuses that fail a run (exit code 1) unless advisory. */
export function isFailing(decision: Pick<Decision, 'status' | 'advisory'>): boolean {
  return !decision.advisory && (decision.status === 'REGRESSED' || decision.status === 'BUDGET-FAIL');
}
