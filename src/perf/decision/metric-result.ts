// Assembles a MetricResult: samples + baseline + decision + measurement facts.
import { decide, type DecisionOptions } from './decide.ts';
import { summarize } from '../stats/descriptive.ts';
import { checkTarget } from '../budget/budget.ts';
import type { MetricSamples } from '../metrics/metric.ts';
import type { MeasurementInfo, MetricResult } from '../metrics/run-result.ts';

export interface BaselineRef {
  metric: MetricSamples;
  file: string;
  savedAt: string;
  environmentDiffers: string[];
  /** Calibration score of the run that recorded the baseline (machine guard). */
  calibrationScore?: number | null;
}

export function makeMetricResult(args: {
  suite: string;
  test: string;
  metric: MetricSamples;
  baseline?: BaselineRef;
  decision?: DecisionOptions;
  /** Calibration score of this run (machine guard against the baseline's). */
  calibrationScore?: number | null;
  measurement?: MeasurementInfo;
  extraWarnings?: string[];
}): MetricResult {
  const { metric, baseline } = args;
  const decision = decide(metric, baseline?.metric, {
    ...args.decision,
    environmentDiffers: baseline?.environmentDiffers ?? [],
    calibration: {
      current: args.calibrationScore ?? args.decision?.calibration?.current,
      baseline: baseline?.calibrationScore ?? args.decision?.calibration?.baseline,
    },
  });
  if (args.extraWarnings?.length) decision.warnings.push(...args.extraWarnings);
  if (metric.target) decision.target = checkTarget(metric.samples, metric.target, metric.unit);
  return {
    suite: args.suite,
    test: args.test,
    name: metric.name,
    unit: metric.unit,
    direction: metric.direction,
    kind: metric.kind,
    ...(metric.budget && { budget: metric.budget }),
    ...(metric.target && { target: metric.target }),
    ...(metric.tolerance !== undefined && { tolerance: metric.tolerance }),
    ...(metric.judge && { judge: metric.judge }),
    samples: metric.samples,
    summary: summarize(metric.samples),
    ...(baseline && {
      baseline: {
        samples: baseline.metric.samples,
        summary: summarize(baseline.metric.samples),
        file: baseline.file,
        savedAt: baseline.savedAt,
        environmentDiffers: baseline.environmentDiffers,
        ...(baseline.calibrationScore != null && { calibrationScore: baseline.calibrationScore }),
      },
    }),
    decision,
    ...(args.measurement && { measurement: args.measurement }),
  };
}
