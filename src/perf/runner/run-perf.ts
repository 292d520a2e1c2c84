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
import { abPlanReporter, SuiteNameSequencer, suiteFilters } from './ab-side.ts';
import { openProgressServer, progressClient } from '../progress/channel.ts';
import { createProgressRenderer } from '../progress/renderer.ts';

/** Validate every baseline file of this environment up front: a broken one is exit 2 before any work. */
export function preflightBaselines(options: HarnessOptions): void {
  if (options.mode === 'none') return;
  const ctx = collectContext(PROJECT_ROOT);
  const tag = options.environmentTag;
  // The class's folder, and the legacy one its suites may fall back to (baseline/store.ts).
  for (const cls of new Set([environmentClass(ctx, tag), legacyEnvironmentClass(ctx, tag)])) {
    const dir = path.join(options.baselinesDir, cls);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (name.endsWith(`.${options.profile}.json`)) readBaseline(path.join(dir, name));
    }
  }
}

/**
 * What the system under test needs once per run before its suites start (for TruthGraph: the
 * database server, chosen from --db-provider / the environment). Supplied by bin/perf.js, which may
 * import the product; the harness only passes it along.
 */
export interface RunEnvironment {
  /** Appended to the environment class: baselines and comparisons are per tag (the database engine). */
  tag: string;
  /** One line printed at the start of the run, e.g. the engine and where it runs. */
  description: string;
  /** One-line warnings printed at the start of the run (e.g. a fallback the user should know about). */
  warnings: string[];
  /** Values the suites' workers read with vitest `inject`. */
  provide: Record<string, unknown>;
  /** Called once the run (and any profiling re-run, or every A/B round) is over. */
  release(): Promise<void>;
}

export type PrepareRunEnvironment = (options: HarnessOptions, io: CliIo) => Promise<RunEnvironment>;

export interface RunPerfDeps {
  /** Prepares the run environment (bin/perf.js); without it the suites set up what they need themselves. */
  prepareEnvironment?: PrepareRunEnvironment;
  /** vitest project to run (perf; tests of the harness run a fixture project). */
  project?: string;
  /** vitest config file (default: the repo's vitest.config.ts). */
  config?: string;
  root?: string;
  /** Leave out vitest's default reporter (tests). */
  quiet?: boolean;
  /** vitest's default reporter without its live summary (progress bars own the terminal's last lines). */
  compactDefault?: boolean;
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
    if (!deps.prepareEnvironment) preflightBaselines(options);
  } catch (error) {
    return reportHarnessError(error, io);
  }
  if (!deps.prepareEnvironment) return runPrepared(options, io, deps, {});
  let environment: RunEnvironment;
  try {
    environment = await deps.prepareEnvironment(options, io);
  } catch (error) {
    return reportHarnessError(error, io);
  }
  try {
    options.environmentTag = environment.tag;
    for (const warning of environment.warnings) io.stderr(`${warning}\n`);
    if (!options.abSide) io.stdout(`${environment.description} (environment ${environmentClass(collectContext(PROJECT_ROOT), environment.tag)})\n`);
    try {
      preflightBaselines(options);
    } catch (error) {
      return reportHarnessError(error, io);
    }
    return await runPrepared(options, io, deps, environment.provide);
  } finally {
    await environment.release().catch((error: unknown) => io.stderr(`warning: releasing the run environment failed: ${formatError(error)}\n`));
  }
}

/** A harness error before or around the suites: printed with its fix; the exit code it carries, else 2. */
function reportHarnessError(error: unknown, io: CliIo): number {
  io.stderr(formatError(error) + '\n');
  return error instanceof UserError ? error.exitCode : 2;
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** This process's direct children, from /proc (Linux); elsewhere none are found. */
export function childProcesses(parent = process.pid): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const pid of entries) {
    try {
      // stat: "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) children.push(Number(pid));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

async function runPrepared(options: HarnessOptions, io: CliIo, deps: RunPerfDeps, provide: Record<string, unknown>): Promise<number> {
  if (options.ab) {
    const { runAb } = await import('../ab/run-ab.ts');
    return runAb(options, io);
  }
  if (options.abSide) {
    // One side of an A/B run: no GitHub output, no profiling re-run, only the suites asked for.
    options.githubActions = false;
    options.profileRegressions = false;
  }
  const sink: RunSink = {};
  // Progress of long steps: bars on a terminal, plain lines otherwise (CI), on stderr. The head side
  // of an A/B run sends its progress to the conductor, which shows it in the run's own output.
  const tty = io.isTTY && Boolean(process.stderr.isTTY);
  const renderer = createProgressRenderer({ tty, write: io.stderr });
  const relay = options.abSide?.progress ? progressClient(options.abSide.progress) : undefined;
  const server = relay ? undefined : await openProgressServer((event) => renderer.handle(event)).catch(() => undefined);
  options.progressSocket = options.abSide?.progress ?? server?.path;
  // Ctrl-C (or a kill) in the middle of a run. A terminal's Ctrl-C reaches the vitest workers too,
  // but a signal sent to this pid alone does not, and a worker whose parent is gone keeps measuring:
  // pass the signal on to our children (the workers; the suites' embedded database servers end with
  // their worker). Vitest's own handler then exits (130) within a millisecond, so all of this is
  // synchronous: the progress socket file removed, the terminal's bars closed, a word on what was kept.
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    for (const s of STOP_SIGNALS) process.off(s, stopOnSignal);
    for (const pid of childProcesses()) signalQuietly(pid, signal);
    renderer.close();
    server?.removeSocketNow();
    io.stderr(`\n${signal}: the perf run was stopped; baselines and reports/latest are unchanged or complete (each file is replaced whole, never half-written)\n`);
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal); // no one else ends the process
  };
  for (const s of STOP_SIGNALS) process.on(s, stopOnSignal);
  try {
    const filters = options.abSide?.suites ? suiteFilters(options.abSide.suites) : options.filter ? [options.filter] : [];
    const reporter = createPerfReporter(options, sink, io.stdout, relay ? { handle: relay.emit } : renderer);
    await runVitest(options, { ...deps, compactDefault: deps.compactDefault ?? tty }, provide, reporter, filters);
  } catch (error) {
    io.stderr(formatError(error) + '\n');
    return 2;
  } finally {
    for (const s of STOP_SIGNALS) process.off(s, stopOnSignal);
    renderer.close();
    await server?.close();
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
        await runVitest(again, { ...deps, quiet: true }, provide, createPerfReporter(again, {}, io.stdout), files);
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

async function runVitest(
  options: HarnessOptions,
  deps: RunPerfDeps,
  provide: Record<string, unknown>,
  reporter: Reporter,
  filters: string[],
): Promise<void> {
  const cliOptions = {
    project: deps.project ?? 'perf',
    root: deps.root ?? PROJECT_ROOT,
    ...(deps.config && { config: deps.config }),
    run: true,
    watch: false,
    passWithNoTests: true,
    reporters: [
      ...(deps.quiet ? [] : [deps.compactDefault ? ['default', { summary: false }] : 'default']),
      reporter,
      ...(options.abSide ? [abPlanReporter(options.abSide)] : []),
    ],
    provide: { ...provide, [PROVIDE_KEY]: options },
    ...(options.shard && { shard: options.shard }),
    // A/B side: the same file order on both sides, and no vitest timeout cutting a wait for the
    // other side short (the conductor times waits out itself, naming the side and checkpoint).
    ...(options.abSide && { sequence: { sequencer: SuiteNameSequencer }, testTimeout: 6 * 3_600_000 }),
  };
  const vitest = await createVitest('test', cliOptions as Parameters<typeof createVitest>[1]);
  try {
    await vitest.start(filters);
  } finally {
    await vitest.close();
  }
}
