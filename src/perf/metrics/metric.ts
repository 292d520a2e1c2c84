// The Metric: what a suite measured (raw samples) and how to judge it (direction, kind, budget,
// tolerance). Raw samples are the contract between measurement, baselines, decisions and reports.

/** Which way is better. */
export type Direction = 'lower' | 'higher';

/**
 * `timing`: noisy, judged statistically (latency, throughput, memory peaks, leak slopes).
 * `exact`: deterministic, judged exactly (query counts, recall on fixed seeds, agreement, bytes).
 * `instructions`: instructions per operation counted under callgrind; deterministic to ~0.01%,
 * judged against a relative tolerance (default 1%) with no statistics (src/perf/instructions).
 */
export type MetricKind = 'timing' | 'exact' | 'instructions';

/** Which estimate of the samples a budget applies to. */
export type BudgetStatistic = 'median' | 'mean' | 'p95' | 'p99' | 'min' | 'max';

/** Absolute target: a ceiling (`max`) and/or a floor (`min`), in the metric's unit. */
export interface Budget {
  max?: number;
  min?: number;
  /** Default: median. */
  statistic?: BudgetStatistic;
  /** Where the target comes from, e.g. "seed floor 2.1: > 500 texts/s". */
  source?: string;
}

export interface MetricSpec {
  name: string;
  unit: string;
  direction: Direction;
  kind: MetricKind;
  budget?: Budget;
  /**
   * Our advisory goal (as opposed to the gating `budget`, which holds the floors we must never
   * cross): checked and shown as MET / NOT MET with its measured value in every report, never
   * failing the run. A target not met is reported, never hidden.
   */
  target?: Budget;
  /**
   * Smallest relative change that matters (0.05 = 5%). A timing metric is REGRESSED only when the
   * change is significant AND beyond this. Default: DEFAULT_TOLERANCE[kind].
   */
  tolerance?: number;
  /**
   * `budget-only`: never judged against the baseline (shown for information), only against its
   * budget. For estimates whose ratio means nothing, e.g. a leak rate that is ~0 or negative.
   */
  judge?: 'baseline' | 'budget-only';
  /**
   * Judge changes as differences in the metric's unit, beyond this bound, instead of ratios: for
   * values near zero or of either sign (a leak slope), whose ratio means nothing. Used where base
   * and head are measured side by side (A/B mode).
   */
  absoluteTolerance?: number;
}

export interface MetricSamples extends MetricSpec {
  samples: number[];
}

export const DEFAULT_TOLERANCE: Record<MetricKind, number> = { timing: 0.05, exact: 0, instructions: 0.01 };

export function toleranceOf(spec: MetricSpec): number {
  return spec.tolerance ?? DEFAULT_TOLERANCE[spec.kind];
}

/** True when `a` is better than `b` for this direction. */
export function isBetter(direction: Direction, a: number, b: number): boolean {
  return direction === 'lower' ? a < b : a > b;
}
