// The gate's verdict over the shards that arrived: merge them, then one honest exit code and one
// headline that names why (0 pass; 1 a regression or a budget failure; 2 a harness error: a
// missing or dead shard, a missing suite, a suite that threw). The headline is the check's error.
import { isFailing } from '../../decision/decision.ts';
import { formatChange, metricKey } from '../../report/format.ts';
import type { RunResult } from '../../metrics/run-result.ts';
import { mergeRuns } from '../compare-runs.ts';
import type { ArrivalCheck } from './arrivals.ts';

export type GateVerdict = 'pass' | 'regression' | 'harness-error';

export interface GateResult {
  exitCode: 0 | 1 | 2;
  verdict: GateVerdict;
  /** One line naming the verdict and its first causes: the check's error message. */
  headline: string;
  /** Shards or suites that did not arrive whole. */
  problems: string[];
  /** Harness errors inside the runs that arrived. */
  harnessErrors: string[];
  /** Failing metrics, e.g. "embeddings › embed int8 b32: REGRESSED +12.0%". */
  failing: string[];
  /** The merged run; undefined when no shard brought a report. */
  run?: RunResult;
}

const list = (items: readonly string[], max = 3): string => items.slice(0, max).join('; ') + (items.length > max ? `; and ${items.length - max} more` : '');

export function judgeGate(check: ArrivalCheck, runId: string): GateResult {
  const run = check.runs.length > 0 ? mergeRuns(check.runs, runId) : undefined;
  const harnessErrors = run ? [...run.errors, ...run.suites.flatMap((s) => s.errors.map((e) => `${s.name}: ${e}`))].map((e) => e.split('\n')[0]!) : [];
  const failing = (run?.metrics ?? []).filter((m) => isFailing(m.decision)).map((m) => `${metricKey(m)}: ${m.decision.status}${formatChange(m) ? ` ${formatChange(m)}` : ''}`);
  const problems = [...check.problems];
  if (!run && problems.length === 0) problems.push('no shard brought a report.json');
  if (problems.length > 0 || harnessErrors.length > 0 || run?.exitCode === 2) {
    const causes = [...problems, ...harnessErrors];
    const also = failing.length > 0 ? ` (also ${failing.length} failing metric(s): ${list(failing, 2)})` : '';
    return { exitCode: 2, verdict: 'harness-error', headline: `perf gate: harness error (exit 2): ${list(causes.length ? causes : ['the merged run reports a harness error'])}${also}`, problems, harnessErrors, failing, ...(run && { run }) };
  }
  if (failing.length > 0 || run!.exitCode === 1) {
    const c = run!.counts;
    return {
      exitCode: 1,
      verdict: 'regression',
      headline: `perf gate: regression (exit 1): ${c.REGRESSED} regressed, ${c['BUDGET-FAIL']} over budget: ${list(failing)}`,
      problems,
      harnessErrors,
      failing,
      run: run!,
    };
  }
  const c = run!.counts;
  return {
    exitCode: 0,
    verdict: 'pass',
    headline: `perf gate: pass (exit 0): ${run!.metrics.length} metrics, ${c.INCONCLUSIVE} inconclusive, ${c.IMPROVED} improved, ${c.NEW} new`,
    problems,
    harnessErrors,
    failing,
    run: run!,
  };
}
