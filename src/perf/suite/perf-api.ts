// The API perf suites call inside vitest tests: measure() a workload, record() exact or
// externally-timed values, measureMemory() peaks and leak rate. Each call measures, compares
// with the suite's baseline, re-samples an INCONCLUSIVE timing metric (bounded), and attaches the
// result to the test for the reporter. Matchers judge the returned result.
import { TestRunner } from 'vitest';
import type { RunnerTestCase as Test } from 'vitest';
import { UserError } from '../../shared/errors.ts';
import { TimingSampler, type TimingOptions, type Workload } from '../measure/timing.ts';
import { measureMemory as sampleMemory, type MemoryOptions } from '../measure/memory.ts';
import type { Budget, Direction, MetricKind, MetricSamples } from '../metrics/metric.ts';
import type { MetricResult } from '../metrics/run-result.ts';
import { suiteContext } from '../context/suite-context.ts';
import { makeMetricResult } from '../decision/metric-result.ts';
import type { DecisionOptions } from '../decision/decide.ts';
import { attach } from './attachments.ts';
import { sampleAndDecide } from './sample-and-decide.ts';
import { attachToTest, baselineFor, harnessOptions, suiteOf, workerContext } from './worker-state.ts';
import { inLockstep, pairPlan, waitTurn } from './ab-turns.ts';
import { DEFAULT_TOLERANCE } from '../metrics/metric.ts';
import { median } from '../stats/descriptive.ts';
import { progressClient, type Progress } from '../progress/channel.ts';

export interface MeasureOptions extends TimingOptions {
  /** Report throughput (items per second, higher is better) instead of time per call. */
  throughput?: { items: number; unit?: string };
  budget?: Budget;
  /** Our advisory goal: reported MET / NOT MET with the measured value, never failing the run. */
  target?: Budget;
  /** Smallest relative change that matters (default 0.05 for timing). */
  tolerance?: number;
  /** Overrides applied in the quick profile (`npm run perf -- --quick`). */
  quick?: TimingOptions;
}

const QUICK_TIMING: TimingOptions = { warmupMs: 50, minSamples: 8, maxSamples: 20, maxTimeMs: 2_000, targetPrecision: 0.03, minTimeMs: 0 };

function currentTest(api: string): Test {
  const test = TestRunner.getCurrentTest();
  if (!test) throw new UserError(`${api}() must be called inside a vitest test (it(...)) of a perf suite`, { fix: 'move the call into an it() block' });
  return test as Test;
}

function decisionOptions(final: boolean): DecisionOptions {
  const o = harnessOptions();
  return {
    alpha: o.alpha,
    final,
    advisoryOnEnvironmentMismatch: o.advisoryOnEnvironmentMismatch,
    timingAdvisory: o.timingAdvisory,
    // The baseline's score comes with its BaselineRef (makeMetricResult).
    calibration: { current: workerContext().calibrationScore, baseline: undefined },
  };
}

/** Quick-profile helper for suites: `perf.quick ? 100 : 10_000`. */
export const perf = {
  get quick(): boolean {
    return harnessOptions().profile === 'quick';
  },
  get options() {
    return harnessOptions();
  },
  /** Record model packs, database engine/versions and datasets in the run context. */
  context: suiteContext,
  /** Attach a suite's own table (JSON + Markdown) to the run's reports. */
  attach,
  /** Progress of long steps (corpus embedding, index builds), shown by the run's renderer. */
  get progress(): Progress {
    return (progress ??= progressClient(harnessOptions().progressSocket));
  },
};

let progress: Progress | undefined;

/** Time a workload (sync or async); one metric in ms per call, or items/s with `throughput`. */
export async function measure(name: string, fn: Workload, options: MeasureOptions = {}): Promise<MetricResult> {
  const test = currentTest('measure');
  const suite = suiteOf(test);
  const o = harnessOptions();
  const timing: TimingOptions = { ...options, ...(o.profile === 'quick' ? { ...QUICK_TIMING, ...options.quick } : {}) };
  const sampler = new TimingSampler(fn, timing);
  // The unit names the clock, so a wall-clock baseline is never compared with CPU-time samples.
  const clock = (): 'wall' | 'cpu' => sampler.resolvedClock();
  const toMetric = (samplesNs: number[]): MetricSamples => ({
    name,
    kind: 'timing',
    ...(options.throughput
      ? {
          unit: `${options.throughput.unit ?? 'items/s'}${clock() === 'cpu' ? ' (cpu)' : ''}`,
          direction: 'higher' as const,
          samples: samplesNs.map((ns) => (options.throughput!.items * 1e9) / ns),
        }
      : { unit: clock() === 'cpu' ? 'cpu ms' : 'ms', direction: 'lower' as const, samples: samplesNs.map((ns) => ns / 1e6) }),
    ...(options.budget && { budget: options.budget }),
    ...(options.target && { target: options.target }),
    ...(options.tolerance !== undefined && { tolerance: options.tolerance }),
  });
  if (inLockstep()) {
    const paired = await measureInLockstep(suite, test, name, sampler, toMetric, timing, options.tolerance ?? DEFAULT_TOLERANCE.timing);
    if (paired) return paired;
  }
  const baseline = baselineFor(suite, name);
  const { result } = await sampleAndDecide({
    suite,
    test: test.fullTestName ?? test.name,
    sampler,
    toMetric,
    ...(baseline && { baseline }),
    decision: decisionOptions(false),
    maxResampleRounds: o.maxResampleRounds,
    resampleMaxTimeMs: (timing.maxTimeMs ?? 10_000) * 2,
  });
  attachToTest(test, result);
  return result;
}

/**
 * A/B side: announce the metric and, when the other side is at the same metric, let the conductor
 * drive the samples (warm-up with the same call counts on both sides, then one sample per turn).
 * Undefined when this side was told to go solo (the normal path then measures on its own).
 */
async function measureInLockstep(
  suite: string,
  test: Test,
  name: string,
  sampler: TimingSampler,
  toMetric: (samplesNs: number[]) => MetricSamples,
  timing: TimingOptions,
  tolerance: number,
): Promise<MetricResult | undefined> {
  const testName = test.fullTestName ?? test.name;
  const { client, answer } = await waitTurn({ kind: 'measure', suite, test: testName, metric: name, pair: pairPlan(timing, tolerance) });
  if (answer.type === 'go') return undefined;
  if (answer.type !== 'prepare') throw new UserError(`lockstep: expected prepare or go for ${suite} › ${name}, got ${answer.type}`);
  const prepared = await sampler.prepare({
    ...(answer.warmupCalls !== undefined && { warmupCalls: answer.warmupCalls }),
    ...(answer.iterations !== undefined && { iterations: answer.iterations }),
  });
  client.send({ type: 'prepared', ...prepared });
  let pairs: number;
  for (;;) {
    const next = await client.next();
    if (next.type === 'sample') {
      const t = await sampler.takeSample();
      client.send({ type: 'sample', wallNs: t.wallNs, cpuNs: t.cpuNs, iterations: t.iterations, clock: t.clock });
    } else if (next.type === 'stop') {
      pairs = next.pairs;
      break;
    } else throw new UserError(`lockstep: unexpected ${next.type} while sampling ${suite} › ${name}${next.type === 'error' ? `: ${next.message}` : ''}`);
  }
  const timingResult = sampler.result();
  const result = makeMetricResult({
    suite,
    test: testName,
    metric: toMetric(timingResult.samplesNs),
    decision: decisionOptions(true),
    extraWarnings: timingResult.warnings,
    measurement: {
      iterationsPerSample: timingResult.iterationsPerSample,
      stoppedBy: 'paired',
      clock: timingResult.clock,
      cpuShare: timingResult.cpuShare,
      wallMedianMs: median(timingResult.wallNs) / 1e6,
      pairedPairs: pairs,
      cpuNsPerCall: timingResult.cpuNs,
      wallNsPerCall: timingResult.wallNs,
    },
  });
  attachToTest(test, result);
  return result;
}

export interface RecordOptions {
  unit: string;
  direction: Direction;
  /** Default `exact`: judged exactly (counts, recall on fixed seeds, agreement, bytes). */
  kind?: MetricKind;
  budget?: Budget;
  /** Our advisory goal: reported MET / NOT MET with the measured value, never failing the run. */
  target?: Budget;
  tolerance?: number;
  /**
   * `budget-only`: shown beside the baseline for information, judged only by its budget (e.g. a
   * per-stage breakdown whose total is gated as its own metric).
   */
  judge?: 'baseline' | 'budget-only';
  /** Judge changes as differences beyond this bound in the unit (rates near zero, e.g. leak slopes). */
  absoluteTolerance?: number;
}

/** Record values measured elsewhere: an exact count/ratio, or timing samples taken by the suite. */
export function record(name: string, values: number | readonly number[], options: RecordOptions): MetricResult {
  const test = currentTest('record');
  const suite = suiteOf(test);
  const samples = typeof values === 'number' ? [values] : [...values];
  if (samples.length === 0 || samples.some((v) => !Number.isFinite(v))) {
    throw new UserError(`record("${name}") needs finite values, got ${JSON.stringify(values)}`, { fix: 'check the value the suite computed' });
  }
  const metric: MetricSamples = {
    name,
    unit: options.unit,
    direction: options.direction,
    kind: options.kind ?? 'exact',
    samples,
    ...(options.budget && { budget: options.budget }),
    ...(options.target && { target: options.target }),
    ...(options.tolerance !== undefined && { tolerance: options.tolerance }),
    ...(options.judge && { judge: options.judge }),
    ...(options.absoluteTolerance !== undefined && { absoluteTolerance: options.absoluteTolerance }),
  };
  const baseline = baselineFor(suite, name);
  const result = makeMetricResult({ suite, test: test.fullTestName ?? test.name, metric, ...(baseline && { baseline }), decision: decisionOptions(true) });
  attachToTest(test, result);
  return result;
}

export interface MemoryMeasureOptions extends MemoryOptions {
  budgets?: { rssPeakMb?: number; heapPeakMb?: number; leakMbPerMin?: number };
  /** Tolerance of the peak metrics (default 0.1; A/B mode pairs them per round, so process history is on both sides). */
  tolerance?: number;
}

/**
 * Three metrics: `<name> rss peak` and `<name> heap peak` (MB per iteration) and `<name> leak`
 * (MB/min: growth of the post-GC heapUsed + external (ArrayBuffers) per iteration scaled by the iteration time, one sample per
 * iteration; its budget is checked on the median, robust to a GC hiccup; the OLS slope of the
 * post-GC retained memory and its CI are in `measurement.leakSlope`). Fast workloads are batched so one
 * iteration lasts >= 20 ms.
 */
export async function measureMemory(name: string, fn: () => unknown, options: MemoryMeasureOptions = {}): Promise<MetricResult[]> {
  const test = currentTest('measureMemory');
  const suite = suiteOf(test);
  const iterations = options.iterations ?? (harnessOptions().profile === 'quick' ? 10 : 30);
  const mem = await sampleMemory(fn, { ...options, iterations });
  const mb = (b: number): number => b / 2 ** 20;
  const perMinute = 60_000 / Math.max(mem.medianIterationMs, 1e-6);
  const deltas = mem.postGcRetainedBytes.slice(1).map((v, i) => (mb(v - mem.postGcRetainedBytes[i]!) * perMinute));
  const specs: Array<{ metric: MetricSamples; leak?: boolean }> = [
    { metric: { name: `${name} rss peak`, unit: 'MB', direction: 'lower', kind: 'timing', samples: mem.rssPeakBytes.map(mb), ...(options.budgets?.rssPeakMb !== undefined && { budget: { max: options.budgets.rssPeakMb, statistic: 'max' } }) } },
    { metric: { name: `${name} heap peak`, unit: 'MB', direction: 'lower', kind: 'timing', samples: mem.heapPeakBytes.map(mb), ...(options.budgets?.heapPeakMb !== undefined && { budget: { max: options.budgets.heapPeakMb, statistic: 'max' } }) } },
    {
      metric: {
        name: `${name} leak`,
        unit: 'MB/min',
        direction: 'lower',
        kind: 'timing',
        judge: 'budget-only',
        samples: deltas,
        ...(options.budgets?.leakMbPerMin !== undefined && { budget: { max: options.budgets.leakMbPerMin, statistic: 'median' } }),
      },
      leak: true,
    },
  ];
  const results: MetricResult[] = [];
  for (const { metric, leak } of specs) {
    // Peaks are one process-wide reading per iteration: runs differ more than iterations do, so
    // a change is judged across rounds of fresh process pairs (A/B) rather than within a run.
    metric.tolerance = options.tolerance ?? 0.1;
    const baseline = baselineFor(suite, metric.name);
    const result = makeMetricResult({
      suite,
      test: test.fullTestName ?? test.name,
      metric,
      ...(baseline && { baseline }),
      decision: decisionOptions(true),
      ...(leak && {
        measurement: {
          iterationsPerSample: mem.callsPerIteration,
          leakSlope: {
            slope: mb(mem.leakPerIteration.slope) * perMinute,
            lower: mb(mem.leakPerIteration.lower) * perMinute,
            upper: mb(mem.leakPerIteration.upper) * perMinute,
            unit: 'MB/min',
          },
        },
      }),
    });
    attachToTest(test, result);
    results.push(result);
  }
  return results;
}
