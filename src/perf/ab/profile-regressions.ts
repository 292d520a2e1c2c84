// A/B runs: each REGRESSED suite's workload runs under the CPU profiler on both sides (base and
// head checkouts, the same named workload and duration, one side after the other), and the diff of
// the two profiles (profile-diff.ts) says which functions got slower, per iteration. Written to
// reports/<run-id>/profiles/<suite>/: base/cpu/, cpu/ (head), profile-diff.md and .html.
// The workloads are spawned by path (perf-tests/workloads/run-workload.ts); a base from before
// the named workloads gets head's workload files copied in (they call the product's public API).
import fs from 'node:fs';
import path from 'node:path';
import { formatError } from '../../shared/errors.ts';
import type { ProfileDiffSummary, RunResult } from '../metrics/run-result.ts';
import { writeProfileDiff } from '../profile/profile-files.ts';
import { mainArtefact, runTool, WORKLOAD_ENTRY } from '../profile/profile-tools.ts';
import type { Side } from './protocol.ts';

/** Head's files a base without named workloads needs to run them. */
const WORKLOAD_FILES = ['named-workload.ts', 'workload-registry.ts', 'run-workload.ts', 'embeddings-workload.ts', 'nli-workload.ts', 'pipeline-workload.ts', 'memory-workload.ts'].map((f) => `perf-tests/workloads/${f}`);

export interface RegressedSuite {
  suite: string;
  /** The first regressed metric of the suite (its workload, or the suite's default). */
  metric: string;
}

/** One entry per suite with a REGRESSED metric, in the run's order. */
export function regressedSuites(run: Pick<RunResult, 'metrics'>): RegressedSuite[] {
  const seen = new Map<string, RegressedSuite>();
  for (const m of run.metrics) if (m.decision.status === 'REGRESSED' && !seen.has(m.suite)) seen.set(m.suite, { suite: m.suite, metric: m.name });
  return [...seen.values()];
}

/** Copies head's named-workload files into a base that has none (returns the files copied). */
export function ensureWorkloadFiles(headRoot: string, baseRoot: string): string[] {
  if (fs.existsSync(path.join(baseRoot, WORKLOAD_ENTRY))) return [];
  const copied: string[] = [];
  for (const f of WORKLOAD_FILES) {
    if (fs.existsSync(path.join(baseRoot, f))) continue;
    fs.mkdirSync(path.dirname(path.join(baseRoot, f)), { recursive: true });
    fs.copyFileSync(path.join(headRoot, f), path.join(baseRoot, f));
    copied.push(f);
  }
  return copied;
}

export interface ProfileRegressionsInput {
  run: Pick<RunResult, 'metrics'>;
  roots: Record<Side, string>;
  runDir: string;
  durationSeconds: number;
  log: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Profiles every regressed suite on both sides and diffs them; a suite that cannot be profiled is logged and skipped. */
export async function profileRegressions(input: ProfileRegressionsInput): Promise<{ diffs: ProfileDiffSummary[]; notes: string[] }> {
  const diffs: ProfileDiffSummary[] = [];
  const notes: string[] = [];
  const suites = regressedSuites(input.run);
  if (suites.length === 0) return { diffs, notes };
  const copied = ensureWorkloadFiles(input.roots.head, input.roots.base);
  if (copied.length > 0) notes.push(`profile diff: the base has no named workloads; head's were copied into its checkout (${copied.length} files)`);
  for (const { suite, metric } of suites) {
    const suiteDir = path.join(input.runDir, 'profiles', suite);
    const dirs: Record<Side, string> = { base: path.join(suiteDir, 'base', 'cpu'), head: path.join(suiteDir, 'cpu') };
    input.log(`profiling regressed suite ${suite} (${metric}) on base and head with the CPU profiler, ${input.durationSeconds} s each`);
    try {
      for (const side of ['base', 'head'] as const) {
        const r = await runTool(
          { root: input.roots[side], entry: WORKLOAD_ENTRY, suite, metric, metricOrDefault: true, tool: 'cpu', durationSeconds: input.durationSeconds, dir: dirs[side] },
          () => {},
          input.env,
        );
        if (r.code !== 0 || !mainArtefact('cpu', dirs[side])) {
          const log = path.join(dirs[side], 'tool.log');
          const last = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').slice(-2).join(' / ') : '';
          // A suite without a named workload (db-queries) cannot be profiled on either side: say
          // that, not that one side failed. The registry lives under perf-tests/, out of src's reach.
          if (last.includes('no workloads for suite')) {
            const others = /use one of: (.*)$/.exec(last)?.[1];
            throw new Error(`the suite has no CPU-profile workload${others ? ` (suites with one: ${others})` : ''}`);
          }
          throw new Error(`the ${side} side's profile failed (exit ${r.code}): ${last}`);
        }
      }
      const workload = JSON.parse(fs.readFileSync(path.join(dirs.head, 'workload.json'), 'utf8')) as { metric: string };
      const written = writeProfileDiff(dirs.base, dirs.head, suiteDir, `${suite}: CPU profile diff, base vs head (${workload.metric})`);
      diffs.push({ suite, metric: workload.metric, path: path.relative(input.runDir, written.markdown).split(path.sep).join('/'), headlines: written.headlines });
      for (const line of written.headlines) input.log(`  ${line}`);
    } catch (error) {
      notes.push(`profile diff of ${suite} skipped: ${formatError(error).split('\n')[0]}`);
      input.log(`  ${notes.at(-1)!}`);
    }
  }
  return { diffs, notes };
}
