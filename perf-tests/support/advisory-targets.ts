// Our targets (as opposed to the seed's floors) are advisory: the harness has one hard budget per
// metric, and a failed budget fails the run. So a suite gives each metric the seed floor as its
// budget and checks our target here: the verdict is appended to the metric's warnings (shown as a
// footnote in every report) and collected for the suite's report output. Never hidden, never fatal.
import type { MetricResult } from '../../src/perf/suite/index.ts';
import { quantile } from '../../src/perf/stats/descriptive.ts';

export type TargetStatistic = 'median' | 'p95' | 'min' | 'max' | 'value';

export interface Target {
  statistic: TargetStatistic;
  max?: number;
  min?: number;
  /** Where the target comes from, e.g. "issue 6 vector-search: p95 < 5 ms at 10k". */
  source: string;
}

export interface TargetCheck {
  metric: string;
  unit: string;
  statistic: TargetStatistic;
  value: number;
  limit: string;
  met: boolean;
  source: string;
}

function statisticOf(samples: readonly number[], statistic: TargetStatistic): number {
  switch (statistic) {
    case 'median':
      return quantile(samples, 0.5);
    case 'p95':
      return quantile(samples, 0.95);
    case 'min':
      return Math.min(...samples);
    case 'max':
      return Math.max(...samples);
    case 'value':
      return samples[samples.length - 1]!;
  }
}

const round = (x: number): number => Number(x.toPrecision(4));

/** Checks `result` against an advisory target, annotates the metric and returns the check. */
export function checkTarget(result: MetricResult, target: Target): TargetCheck {
  const value = statisticOf(result.samples, target.statistic);
  const met = (target.max === undefined || value <= target.max) && (target.min === undefined || value >= target.min);
  const limit = [target.min !== undefined ? `>= ${target.min}` : '', target.max !== undefined ? `<= ${target.max}` : ''].filter(Boolean).join(' and ');
  const check: TargetCheck = { metric: result.name, unit: result.unit, statistic: target.statistic, value: round(value), limit, met, source: target.source };
  // The result object is the one attached to the test; the reporter reads it when the test ends.
  result.decision.warnings.push(`target (advisory): ${target.statistic} ${round(value)} ${result.unit}, ours ${limit} — ${met ? 'MET' : 'NOT MET'} (${target.source})`);
  return check;
}

export function targetsMarkdown(checks: readonly TargetCheck[]): string {
  const rows = checks.map((c) => `| ${c.metric} | ${c.statistic} | ${c.value} ${c.unit} | ${c.limit} | ${c.met ? 'met' : '**not met**'} |`);
  return ['| metric | statistic | measured | our target | status |', '|---|---|---:|---|---|', ...rows].join('\n');
}
