// `npm run perf`: resolve options once, check baselines before spending minutes measuring, run
// vitest's perf project through the node API with the perf reporter, return the exit code
// (0 pass, 1 regression or budget failure, 2 harness error). A function of (argv, io).
import fs from 'node:fs';
import path from 'node:path';
import { createVitest } from 'vitest/node';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { formatError, UserError } from '../../shared/errors.ts';
import { readBaseline } from '../baseline/store.ts';
import { collectContext, environmentClass, legacyEnvironmentClass } from '../context/run-context.ts';
import { calibrate } from '../measure/calibration.ts';
import type { CliIo } from '../../shared/io.ts';
import { PROVIDE_KEY, resolveOptions, type HarnessOptions } from '../options.ts';
import { createPerfReporter, type RunSink } from './reporter.ts';
import { newRunId, writeReports } from '../report/writer.ts';
import type { Reporter } from 'vitest/node';

/** Validate every baseline file of this environment up front: a broken one is exit 2 before any work. */
export function preflightBaselines(options: HarnessOptions): void {
  if (options.mode === 'none') return;
  const ctx = collectContext(PROJECT_ROOT);
  // The class's folder, and the legacy one its suites may fall back to (baseline/store.ts).
  for (const cls of new Set([environmentClass(ctx), legacyEnvironmentClass(ctx)])) {
    const dir = path.join(options.baselinesDir, cls);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (name.endsWith(`.${options.profile}.json`)) readBaseline(path.join(dir, name));
    }
  }
}

export interface RunPerfDeps {
  /** vitest project to run (perf; tests of the harness run a fixture project). */
  project?: string;
  /** vitest config file (default: the repo's vitest.config.ts). */
  config?: string;
  root?: string;
  /** Leave out vitest's default reporter (tests). */
  quiet?: boolean;
}

export async function runPerf(argv: readonly string[], io: CliIo, deps: RunPerfDeps = {}): Promise<number> {
  let options: HarnessOptions;
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      const { PERF_USAGE } = await import('../options.ts');
      io.stdout(PERF_USAGE + '\n');
      return 0;
    }
    options = resolveOptions(argv, io.env, PROJECT_ROOT, io.cwd);
    options.runId = newRunId(new Date(), collectContext(PROJECT_ROOT).gitSha);
    options.calibrationScore ??= calibrate().score;
    preflightBaselines(options);
  } catch (error) {
    io.stderr(formatError(error) + '\n');
    return error instanceof UserError ? error.exitCode : 2;
  }
  const sink: RunSink = {};
  try {
    await runVitest(options, deps, createPerfReporter(options, sink, io.stdout), options.filter ? [options.filter] : []);
  } catch (error) {
    io.stderr(formatError(error) + '\n');
    return 2;
  }
  if (!sink.result) {
    io.stderr('error: the perf run ended without a result (vitest did not finish the run)\n');
    return 2;
  }
  const run = sink.result;
  if (sink.writeError !== undefined) {
    io.stderr(`${formatError(sink.writeError)}\n(reports/latest still points at the previous complete run)\n`);
    return 2;
  }
  if (run.exitCode === 1 && options.profileRegressions && !options.cpuProfile) {
    // Profiles of the suites that failed, captured by re-running them (no baseline, no reports).
    const failing = new Set(run.metrics.filter((m) => m.decision.status === 'REGRESSED' || m.decision.status === 'BUDGET-FAIL').map((m) => m.suite));
    const files = run.suites.filter((s) => failing.has(s.name)).map((s) => s.file);
    if (files.length > 0) {
      io.stdout(`profiling ${files.length} failing suite(s) with the CPU profiler: ${files.join(', ')}\n`);
      const { shard: _shard, ...unsharded } = options;
      const again: HarnessOptions = { ...unsharded, mode: 'none', cpuProfile: true, print: false, writeReports: false, profileRegressions: false };
      try {
        await runVitest(again, { ...deps, quiet: true }, createPerfReporter(again, {}, io.stdout), files);
        const dir = path.join(options.reportsDir, run.runId, 'profiles');
        if (fs.existsSync(dir)) run.profiles = fs.readdirSync(dir).sort().map((f) => `profiles/${f}`);
        writeReports(run, options.reportsDir);
        for (const p of run.profiles ?? []) io.stdout(`profile: ${path.join(dir, path.basename(p))}\n`);
      } catch (error) {
        io.stderr(`warning: profiling the failing suites failed: ${formatError(error)}\n`);
      }
    }
  }
  return run.exitCode;
}

async function runVitest(options: HarnessOptions, deps: RunPerfDeps, reporter: Reporter, filters: string[]): Promise<void> {
  const cliOptions = {
    project: deps.project ?? 'perf',
    root: deps.root ?? PROJECT_ROOT,
    ...(deps.config && { config: deps.config }),
    run: true,
    watch: false,
    passWithNoTests: true,
    reporters: deps.quiet ? [reporter] : ['default', reporter],
    provide: { [PROVIDE_KEY]: options },
    ...(options.shard && { shard: options.shard }),
  };
  const vitest = await createVitest('test', cliOptions as Parameters<typeof createVitest>[1]);
  try {
    await vitest.start(filters);
  } finally {
    await vitest.close();
  }
}
