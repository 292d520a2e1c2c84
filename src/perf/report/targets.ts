// Our advisory targets, as every renderer shows them: the measured statistic beside the goal and
// MET / NOT MET. Pure: rows of strings from a run's metrics.
import { metricKey } from './format.ts';
import type { MetricResult } from '../metrics/run-result.ts';

export interface TargetRow {
  metric: string;
  measured: string;
  goal: string;
  status: 'MET' | 'NOT MET';
  source: string;
}

export function targetRows(metrics: readonly MetricResult[]): TargetRow[] {
  return metrics
    .filter((m) => m.decision.target)
    .map((m) => {
      const t = m.decision.target!;
      return {
        metric: metricKey(m),
        measured: `${t.value} ${m.unit} (${t.statistic})`,
        goal: t.goal,
        status: t.met ? 'MET' : 'NOT MET',
        source: t.source ?? '',
      };
    });
}
