// Measure a workload and decide against a baseline, re-sampling while the decision is
// INCONCLUSIVE (bounded: each round doubles n). Shared by measure() and the selftests.
import type { DecisionOptions } from '../decision/decide.ts';
import { median } from '../stats/descriptive.ts';
import { TimingSampler, type TimingOptions, type TimingResult } from '../measure/timing.ts';
import type { MetricSamples } from '../metrics/metric.ts';
import type { MetricResult } from '../metrics/run-result.ts';
import { makeMetricResult, type BaselineRef } from '../decision/metric-result.ts';

export interface SampleAndDecideInput {
  suite: string;
  test: string;
  sampler: TimingSampler;
  /** Converts ns-per-call samples into the metric (unit, direction, budget...). */
  toMetric: (samplesNs: number[]) => MetricSamples;
  baseline?: BaselineRef;
  decision: Omit<DecisionOptions, 'final'>;
  maxResampleRounds: number;
  /** Time cap of each re-sampling round (default 20 s). */
  resampleMaxTimeMs?: number;
  /**
   * A REGRESSED / IMPROVED verdict must reproduce in an independent round of fresh samples
   * (default true). On a shared machine a burst of load from other processes can shift a whole
   * round; requiring 2 agreeing rounds (a third breaks a tie) keeps such bursts from failing the
   * gate, at the cost of extra sampling only when something changed.
   */
  confirmChanges?: boolean;
}

export async function sampleAndDecide(input: SampleAndDecideInput): Promise<{ result: MetricResult; timing: TimingResult }> {
  let timing = await input.sampler.collect();
  let rounds = 0;
  const build = (final: boolean): MetricResult =>
    makeMetricResult({
      suite: input.suite,
      test: input.test,
      metric: input.toMetric(timing.samplesNs),
      ...(input.baseline && { baseline: input.baseline }),
      decision: { ...input.decision, final },
      extraWarnings: timing.warnings,
      measurement: {
        iterationsPerSample: timing.iterationsPerSample,
        stoppedBy: timing.stoppedBy,
        timedOverhead: timing.timedOverhead,
        wallOverhead: timing.wallOverhead,
        resampleRounds: rounds,
        clock: timing.clock,
        cpuShare: timing.cpuShare,
        wallMedianMs: median(timing.wallNs) / 1e6,
      },
    });
  let result = build(input.maxResampleRounds === 0);
  while (result.decision.needsMoreSamples && rounds < input.maxResampleRounds) {
    rounds++;
    const n = timing.samplesNs.length;
    timing = await input.sampler.collect({ minSamples: n, maxSamples: n, maxTimeMs: input.resampleMaxTimeMs ?? 20_000, targetPrecision: 0 });
    result = build(rounds >= input.maxResampleRounds);
  }
  const first = result.decision.status;
  if ((first === 'REGRESSED' || first === 'IMPROVED') && input.baseline && (input.confirmChanges ?? true)) {
    const verdicts: string[] = [`${first} ${pctChange(result.decision.evidence.ratio)}`];
    let agree = 1;
    let disagree = 0;
    const n = timing.samplesNs.length;
    while (agree < 2 && disagree < 2) {
      const before = timing.samplesNs.length;
      timing = await input.sampler.collect({ minSamples: n, maxSamples: n, maxTimeMs: input.resampleMaxTimeMs ?? 20_000, targetPrecision: 0 });
      const round = makeMetricResult({
        suite: input.suite,
        test: input.test,
        metric: input.toMetric(timing.samplesNs.slice(before)),
        baseline: input.baseline,
        decision: { ...input.decision, final: true },
      });
      verdicts.push(`${round.decision.status} ${pctChange(round.decision.evidence.ratio)}`);
      if (round.decision.status === first) agree++;
      else disagree++;
    }
    rounds++;
    result = build(true);
    result.measurement = { ...result.measurement, confirmation: verdicts };
    if (agree < 2 && (result.decision.status === 'REGRESSED' || result.decision.status === 'IMPROVED')) {
      result.decision.status = 'INCONCLUSIVE';
      result.decision.warnings.push(`change did not reproduce in independent rounds (${verdicts.join(', ')}): machine load?`);
    }
  }
  return { result, timing };
}

function pctChange(ratio: number | undefined): string {
  return ratio === undefined ? '' : `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;
}

export type { TimingOptions };
