// End of a run: counts, exit code (0 pass / 1 regression or budget failure / 2 harness error)
// and, in save mode, the baseline writes, which a failing run never performs unless forced with
// a recorded reason.
import { isFailing } from '../decision/decision.ts';
import { formatError } from '../../shared/errors.ts';
import { applyMultipleComparisons } from '../decision/multiplicity.ts';
import { runMachineNote } from '../decision/machine-guard.ts';
import { baselinePath, buildBaseline, checkSavePolicy, writeBaseline } from '../baseline/store.ts';
import { withSuiteContext } from '../context/suite-context.ts';
import type { RunContext } from '../context/run-context.ts';
import { countStatuses, RUN_RESULT_SCHEMA_VERSION, type AbRunInfo, type BaselineWrite, type MetricResult, type RunResult, type SuiteResult } from '../metrics/run-result.ts';
import type { HarnessOptions } from '../options.ts';

export interface FinishRunInput {
  options: HarnessOptions;
  runId: string;
  context: RunContext;
  environmentClass: string;
  startedAt: Date;
  finishedAt: Date;
  metrics: MetricResult[];
  suites: SuiteResult[];
  errors: string[];
  /** An A/B run (mode `ab`): its revisions and rounds. */
  ab?: AbRunInfo;
}

export function exitCodeOf(metrics: readonly MetricResult[], suites: readonly SuiteResult[], errors: readonly string[]): 0 | 1 | 2 {
  if (errors.length > 0 || suites.some((s) => s.errors.length > 0)) return 2;
  return metrics.some((m) => isFailing(m.decision)) ? 1 : 0;
}

export function finishRun(input: FinishRunInput): RunResult {
  const { options, suites } = input;
  // Verdicts are final only once the run's timing p-values are corrected together.
  const metrics = applyMultipleComparisons(input.metrics, options.pAdjust, options.alpha);
  const errors = [...input.errors];
  const seen = new Map<string, string>();
  for (const m of metrics) {
    const key = `${m.suite} › ${m.name}`;
    const other = seen.get(key);
    if (other !== undefined) errors.push(`metric "${key}" is recorded by two tests ("${other}" and "${m.test}"): give each its own name`);
    seen.set(key, m.test);
  }
  const notes: string[] = [];
  if (suites.length === 0) {
    // A shard can be left without a suite when the suites (or those a --filter keeps) are fewer
    // than the shards: not an error of this shard, whose job would otherwise fail the PR check
    // while the gate passes. Whoever merges the shards checks that every suite arrived, and a
    // merge without any suite is still a harness error (the merge runs unsharded).
    if (options.shard) notes.push(`shard ${options.shard} ran no suite: the suites${options.filter ? ` matching --filter ${options.filter}` : ''} all fell to other shards`);
    else errors.push(`no perf suite matched${options.filter ? ` --filter ${options.filter}` : ''} (perf-tests/**/*.perf.ts)`);
  }
  const machine = runMachineNote(
    input.context.calibrationScore,
    metrics.filter((m) => m.kind === 'timing' && m.baseline).map((m) => m.baseline!.calibrationScore),
  );
  if (machine) notes.push(options.advisoryOnEnvironmentMismatch ? machine : machine.replace(/timing comparisons against (it|them) are advisory: .*$/, 'compared anyway (--env-mismatch fail)'));
  const baselineWrites: BaselineWrite[] = [];
  if (options.mode === 'save') {
    const harnessError = errors.length > 0 || suites.some((s) => s.errors.length > 0);
    const failing = metrics.filter((m) => m.decision.status === 'REGRESSED' || m.decision.status === 'BUDGET-FAIL').map((m) => `${m.suite} › ${m.name}`);
    const policy = checkSavePolicy({ failingMetrics: failing, force: options.force, ...(options.reason !== undefined && { reason: options.reason }) });
    const bySuite = new Map<string, MetricResult[]>();
    for (const m of metrics) bySuite.set(m.suite, [...(bySuite.get(m.suite) ?? []), m]);
    for (const [suite, ms] of bySuite) {
      const file = baselinePath(options.baselinesDir, input.environmentClass, suite, options.profile);
      if (harnessError) {
        baselineWrites.push({ suite, file, written: false, note: 'the run had harness errors' });
      } else if (!policy.allowed) {
        baselineWrites.push({ suite, file, written: false, note: policy.why });
      } else {
        const suiteCtx = suites.find((s) => s.name === suite)?.context;
        const context = suiteCtx ? withSuiteContext(input.context, suiteCtx) : input.context;
        const baseline = buildBaseline({
          suite,
          profile: options.profile,
          environmentClass: input.environmentClass,
          context,
          metrics: ms,
          savedAt: input.finishedAt,
          ...(policy.forcedReason !== undefined && { forcedReason: policy.forcedReason }),
        });
        try {
          writeBaseline(file, baseline);
        } catch (error) {
          // A failed write (a full disk) leaves the old file; the run says so and exits 2.
          const message = formatError(error).replace(/^error: /, '');
          errors.push(`baseline ${suite}: ${message}`);
          baselineWrites.push({ suite, file, written: false, note: message });
          continue;
        }
        baselineWrites.push({ suite, file, written: true, ...(policy.forcedReason !== undefined && { note: `forced: ${policy.forcedReason}` }) });
      }
    }
  }
  return {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    runId: input.runId,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    profile: options.profile,
    mode: input.ab ? 'ab' : options.mode,
    ...(options.filter !== undefined && { filter: options.filter }),
    environmentClass: input.environmentClass,
    context: input.context,
    suites,
    metrics,
    errors,
    ...(notes.length > 0 && { notes }),
    baselineWrites,
    ...(input.ab && { ab: input.ab }),
    counts: countStatuses(metrics),
    exitCode: exitCodeOf(metrics, suites, errors),
  };
}
