// The vitest reporter of perf runs: a small object of hooks (composed beside vitest's default
// reporter, not inherited). It calibrates the machine at start, gathers every metric the suites
// attached to their tests into one RunResult, saves baselines when asked, writes reports and
// hands the exit code to bin/perf.js.
import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import type { SerializedError } from 'vitest';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { calibrate } from '../measure/calibration.ts';
import { collectContext, environmentClass, type RunContext } from '../context/run-context.ts';
import { renderTerminal } from '../report/terminal.ts';
import { newRunId, writeReports, type WrittenReports } from '../report/writer.ts';
import type { MetricResult, RunResult, SuiteResult } from '../metrics/run-result.ts';
import { finishRun } from './finish-run.ts';
import { MATCHER_PREFIX } from '../suite/matchers-prefix.ts';
import type { HarnessOptions } from '../options.ts';
import { publishToGithub } from './github/publish.ts';
import { readAttachments } from '../report/attachments.ts';
import type { ProgressRenderer } from '../progress/renderer.ts';

export interface RunSink {
  result?: RunResult;
  reports?: WrittenReports;
  /** Writing the reports failed (reported by runPerf, exit 2). */
  writeError?: unknown;
}

export const FAILING_STATUSES = new Set(['REGRESSED', 'BUDGET-FAIL']);

const errorText = (e: { message?: string; name?: string; fix?: unknown }): string =>
  `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(e)}${typeof e.fix === 'string' ? `\n  fix: ${e.fix}` : ''}`;

export function suiteName(moduleId: string): string {
  return path.basename(moduleId).replace(/\.(perf|selftest|test|fixture)\.[cm]?[jt]s$/, '');
}

/** Collect metrics and non-verdict errors of the finished test modules. */
export function collectModules(modules: ReadonlyArray<TestModule>): { metrics: MetricResult[]; suites: SuiteResult[] } {
  const metrics: MetricResult[] = [];
  const suites: SuiteResult[] = [];
  for (const mod of modules) {
    const errors = mod.errors().map(errorText);
    const notes = new Set<string>();
    let context: SuiteResult['context'];
    for (const test of mod.children.allTests()) {
      const meta = test.meta().truthgraphPerf;
      if (meta) {
        metrics.push(...meta.metrics);
        context = meta.context;
      }
      const result = test.result();
      if (result.state === 'skipped' && result.note) notes.add(result.note);
      if (result.state === 'failed') {
        for (const e of result.errors ?? []) {
          // A matcher verdict is data (the metric carries it); anything else is a harness error.
          if (!(e.message ?? '').startsWith(MATCHER_PREFIX)) errors.push(`${test.fullName}: ${errorText(e)}`);
        }
      }
    }
    const state = mod.state();
    suites.push({
      name: suiteName(mod.moduleId),
      file: path.relative(PROJECT_ROOT, mod.moduleId),
      state: state === 'failed' ? 'failed' : state === 'skipped' ? 'skipped' : 'passed',
      errors,
      ...(notes.size > 0 && { notes: [...notes] }),
      ...(context && { context }),
      durationMs: Math.round(mod.diagnostic().duration),
    });
  }
  return { metrics, suites };
}

export function createPerfReporter(
  options: HarnessOptions,
  sink: RunSink,
  print: (text: string) => void = (t) => process.stdout.write(t),
  progress?: Pick<ProgressRenderer, 'handle'>,
): Reporter {
  let startedAt = new Date();
  let context: RunContext | undefined;
  // Suite-level progress: one task per test module, counting its finished tests.
  let modulesTotal = 0;
  let modulesStarted = 0;
  const testsDone = new Map<string, number>();
  return {
    onInit(_vitest: Vitest) {
      startedAt = new Date();
      context = collectContext(PROJECT_ROOT, options.calibrationScore ?? calibrate().score);
    },
    onTestRunStart(specifications) {
      modulesTotal = specifications.length;
    },
    onTestModuleStart(mod: TestModule) {
      if (!progress) return;
      modulesStarted += 1;
      testsDone.set(mod.moduleId, 0);
      progress.handle({ kind: 'line', text: `suite ${suiteName(mod.moduleId)} (${modulesStarted}/${modulesTotal}): started` });
      const total = [...mod.children.allTests()].length;
      progress.handle({ kind: 'start', id: `suite:${mod.moduleId}`, label: `suite ${suiteName(mod.moduleId)}`, unit: 'tests', rate: false, ...(total > 0 && { total }) });
    },
    onTestCaseResult(test) {
      if (!progress) return;
      const id = test.module.moduleId;
      const done = (testsDone.get(id) ?? 0) + 1;
      testsDone.set(id, done);
      progress.handle({ kind: 'update', id: `suite:${id}`, done });
    },
    onTestModuleEnd(mod: TestModule) {
      progress?.handle({ kind: 'end', id: `suite:${mod.moduleId}`, note: mod.state() });
    },
    async onTestRunEnd(testModules, unhandledErrors: ReadonlyArray<SerializedError>) {
      const ctx = context ?? collectContext(PROJECT_ROOT, options.calibrationScore ?? calibrate().score);
      const { metrics, suites } = collectModules(testModules);
      const finishedAt = new Date();
      const run = finishRun({
        options,
        runId: options.runId ?? newRunId(startedAt, ctx.gitSha),
        context: ctx,
        environmentClass: environmentClass(ctx, options.environmentTag),
        startedAt,
        finishedAt,
        metrics,
        suites,
        errors: unhandledErrors.map((e) => `unhandled: ${errorText(e)}`),
      });
      const attachments = readAttachments(options.reportsDir, run.runId);
      if (attachments.length > 0) run.attachments = attachments;
      const profilesDir = path.join(options.reportsDir, run.runId, 'profiles');
      if (fs.existsSync(profilesDir)) run.profiles = fs.readdirSync(profilesDir).sort().map((f) => `profiles/${f}`);
      sink.result = run;
      if (!options.writeReports) return;
      try {
        sink.reports = writeReports(run, options.reportsDir);
      } catch (error) {
        // e.g. a full disk: reports/latest still points at the previous complete run.
        sink.writeError = error;
        return;
      }
      if (options.print) {
        print('\n' + renderTerminal(run));
        print(`reports: ${path.relative(process.cwd(), sink.reports.dir)} (summary.md, report.html, report.json)\n`);
      }
      // A shard's summary would be published again by the gate that merges the shards.
      if (options.githubActions && !options.shard) await publishToGithub(run, sink.reports);
    },
  };
}
