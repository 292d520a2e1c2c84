// Assembles a MetricResult: samples + baseline + decision + measurement facts.
import { decide, type DecisionOptions } from './decide.ts';
import { summarize } from '../stats/descriptive.ts';
import type { MetricSamples } from '../metrics/metric.ts';
import type { MeasurementInfo, MetricResult } from '../metrics/run-result.ts';

export interface BaselineRef {
  metric: MetricSamples;
  file: string;
  savedAt: string;
  environmentDiffers: string[];
}

export function makeMetricResult(args: {
  suite: string;
  test: string;
  metric: MetricSamples;
  baseline?: BaselineRef;
  decision?: DecisionOptions;
  measurement?: MeasurementInfo;
  extraWarnings?: string[];
}): MetricResult {
  const { metric, baseline } = args;
  const decision = decide(metric, baseline?.metric, { ...args.decision, environmentDiffers: baseline?.environmentDiffers ?? [] });
  if (args.extraWarnings?.length) decision.warnings.push(...args.extraWarnings);
  return {
    suite: args.suite,
    test: args.test,
    name: metric.name,
    unit: metric.unit,
    direction: metric.direction,
    kind: metric.kind,
    ...(metric.budget && { budget: metric.budget }),
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
      },
    }),
    decision,
    ...(args.measurement && { measurement: args.measurement }),
  };
}
