// Compare two finished runs (report.json files): every metric of `current` judged against the
// same suite+metric of `baseline`, with the environment differences of the two runs flagged.
import { environmentDifferences } from '../context/run-context.ts';
import { withSuiteContext } from '../context/suite-context.ts';
import { makeMetricResult } from '../decision/metric-result.ts';
import { finishRun } from './finish-run.ts';
import { defaultOptions } from '../options.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import type { MetricSamples } from '../metrics/metric.ts';
import type { AbRunInfo, MetricResult, RunResult } from '../metrics/run-result.ts';

const samplesOf = (m: MetricResult): MetricSamples => ({
  name: m.name,
  unit: m.unit,
  direction: m.direction,
  kind: m.kind,
  samples: m.samples,
  ...(m.budget && { budget: m.budget }),
  ...(m.tolerance !== undefined && { tolerance: m.tolerance }),
  // Budget-only metrics (leak rates, stage breakdowns) stay budget-only when runs are compared.
  ...(m.judge && { judge: m.judge }),
});

export function compareRuns(baseline: RunResult, current: RunResult, labels: { baseline: string; current: string }, alpha = 0.01): RunResult {
  const contextOf = (run: RunResult, suite: string) => {
    const s = run.suites.find((x) => x.name === suite)?.context;
    return s ? withSuiteContext(run.context, s) : run.context;
  };
  // An A/B run's metrics carry head's samples: two such runs are compared by them, unpaired.
  const unpairedAb = baseline.mode === 'ab' || current.mode === 'ab';
  const metrics = current.metrics.map((m) => {
    const base = baseline.metrics.find((b) => b.suite === m.suite && b.name === m.name);
    return makeMetricResult({
      suite: m.suite,
      test: m.test,
      metric: samplesOf(m),
      ...(base && {
        baseline: {
          metric: samplesOf(base),
          file: labels.baseline,
          savedAt: baseline.finishedAt,
          environmentDiffers: environmentDifferences(contextOf(baseline, m.suite), contextOf(current, m.suite)),
          calibrationScore: baseline.context.calibrationScore,
        },
      }),
      calibrationScore: current.context.calibrationScore,
      decision: { alpha, final: true },
      ...(unpairedAb && { extraWarnings: [UNPAIRED_AB] }),
    });
  });
  const compared = finishRun({
    options: { ...defaultOptions(PROJECT_ROOT), mode: 'compare', profile: current.profile, alpha },
    runId: `compare ${labels.baseline} -> ${labels.current}`,
    context: current.context,
    environmentClass: current.environmentClass,
    startedAt: new Date(current.startedAt),
    finishedAt: new Date(current.finishedAt),
    metrics,
    suites: current.suites.map((s) => ({ ...s, errors: [] })),
    errors: [],
  });
  if (current.attachments) compared.attachments = current.attachments;
  return compared;
}

const UNPAIRED_AB = 'compared across two runs by the A/B head samples, unpaired: for a paired verdict run `npm run perf -- --base <ref>`';

/** The A/B facts of merged shards: one base, every shard's rounds (shards ran in parallel: the longest one's time). */
function mergeAb(runs: readonly RunResult[], errors: string[]): AbRunInfo | undefined {
  const abs = runs.map((r) => r.ab);
  if (abs.every((a) => a === undefined)) return undefined;
  if (abs.some((a) => a === undefined)) {
    errors.push('merged runs mix A/B runs (--base) with stored-baseline runs: merge runs of one kind');
    return undefined;
  }
  const all = abs as AbRunInfo[];
  const bases = new Set(all.map((a) => a.base.sha));
  if (bases.size > 1) errors.push(`merged A/B runs measured different bases: ${[...bases].map((s) => s.slice(0, 12)).join(', ')}`);
  const shards = all.reduce((n, a) => n + (a.shards ?? 1), 0);
  return { ...all[0]!, rounds: all.flatMap((a) => a.rounds), durationMs: Math.max(...all.map((a) => a.durationMs)), ...(shards > 1 && { shards }) };
}

/** Merge the results of sharded runs (same commit, different suites) into one run result. */
export function mergeRuns(runs: readonly RunResult[], runId: string): RunResult {
  if (runs.length === 0) throw new RangeError('mergeRuns needs at least one run');
  const first = runs[0]!;
  const byTime = (f: (r: RunResult) => string, pick: (a: string, b: string) => boolean): string => runs.map(f).reduce((a, b) => (pick(a, b) ? a : b));
  // Every shard's harness error stays one (an empty shard writes a note, not an error).
  const errors = runs.flatMap((r) => r.errors);
  const envs = new Set(runs.map((r) => r.environmentClass));
  if (envs.size > 1) errors.push(`merged runs come from different environments: ${[...envs].join(', ')}`);
  const ab = mergeAb(runs, errors);
  const defaults = defaultOptions(PROJECT_ROOT);
  const merged = finishRun({
    options: {
      ...defaults,
      mode: first.mode === 'save' || first.mode === 'ab' ? 'compare' : first.mode,
      profile: first.profile,
      // A/B shards are corrected once over the union, as each shard was: same method and alpha.
      ...(ab && { pAdjust: ab.adjust, alpha: ab.alpha }),
    },
    runId,
    context: first.context,
    environmentClass: first.environmentClass,
    startedAt: new Date(byTime((r) => r.startedAt, (a, b) => a < b)),
    finishedAt: new Date(byTime((r) => r.finishedAt, (a, b) => a > b)),
    metrics: runs.flatMap((r) => r.metrics),
    suites: runs.flatMap((r) => r.suites),
    errors,
    ...(ab && { ab }),
  });
  const attachments = runs.flatMap((r) => r.attachments ?? []);
  if (attachments.length > 0) merged.attachments = attachments;
  return merged;
}
