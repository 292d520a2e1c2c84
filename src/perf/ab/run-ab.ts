// `npm run perf -- --base <ref>`: base and head measured in lockstep on this machine, in this run.
// Prepares the base checkout, starts the conductor, runs rounds (a fresh process pair per side
// each round, every suite in the first rounds, then only suites with undecided metrics while time
// allows), combines the rounds into one judged metric per suite+name, and writes the reports.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatError } from '../../shared/errors.ts';
import type { CliIo } from '../../shared/io.ts';
import { defaultCacheDir, PROJECT_ROOT } from '../../shared/paths.ts';
import { environmentClass } from '../context/run-context.ts';
import { parseRunResult, type AbRunInfo, type MetricResult, type RunResult, type SuiteResult } from '../metrics/run-result.ts';
import type { HarnessOptions } from '../options.ts';
import { renderTerminal } from '../report/terminal.ts';
import { newRunId, writeReports } from '../report/writer.ts';
import { finishRun } from '../runner/finish-run.ts';
import { combineRounds, type RoundSides } from './combine.ts';
import { Conductor } from './conductor.ts';
import { SIDES, type Side } from './protocol.ts';
import { SideProcesses } from './side-processes.ts';
import { openProgressServer } from '../progress/channel.ts';
import { createProgressRenderer } from '../progress/renderer.ts';
import { judgeAb, judgeAbCorrected, settledSuites, undecided } from './verdict.ts';
import { ensureBaseWorktree, ensureDependencies, overlayHarness, resolveCommit, shareCaches, workingTreeState } from './worktree.ts';

export const AB_DESIGN =
  'two processes per round (one per revision, each running its own suites under the same harness); one side runs at a time; measure() samples alternate A B, B A, ...; single-shot values alternate per round';

/** Longest a side may wait at a checkpoint for the other side before it is a harness error. */
const WAIT_TIMEOUT_MS = 20 * 60_000;
const SAMPLE_TIMEOUT_MS = 10 * 60_000;

export async function runAb(options: HarnessOptions, io: CliIo): Promise<number> {
  const ab = options.ab!;
  const startedAt = new Date();
  const log = (line: string): void => io.stdout(line + '\n');
  let baseSha: string;
  let baseDir: string;
  let head: ReturnType<typeof workingTreeState>;
  try {
    baseSha = resolveCommit(PROJECT_ROOT, ab.baseRef);
    head = workingTreeState(PROJECT_ROOT);
    const cacheRoot = path.join(PROJECT_ROOT, '.cache', 'ab');
    log(`A/B: base ${ab.baseRef} = ${baseSha.slice(0, 12)}; head = the working tree at ${head.sha.slice(0, 12)}${head.dirty ? ' with uncommitted changes' : ''}`);
    baseDir = ensureBaseWorktree({ repo: PROJECT_ROOT, sha: baseSha, cacheRoot });
    overlayHarness(PROJECT_ROOT, baseDir, baseSha);
    const deps = ensureDependencies(PROJECT_ROOT, baseDir, cacheRoot, log, io.env);
    shareCaches(defaultCacheDir(io.env), baseDir);
    log(`  base checkout: ${path.relative(PROJECT_ROOT, baseDir)} (head's harness src/perf copied over it); dependencies: ${deps.note}`);
  } catch (error) {
    io.stderr(formatError(error) + '\n');
    return 2;
  }

  const runId = newRunId(startedAt, head.sha);
  const runDir = path.join(options.reportsDir, runId);
  const socketPath = path.join(os.tmpdir(), `tg-ab-${process.pid}-${Date.now().toString(36)}.sock`);
  const conductor = new Conductor({ socketPath, waitTimeoutMs: WAIT_TIMEOUT_MS, sampleTimeoutMs: SAMPLE_TIMEOUT_MS, log });
  const sides = new SideProcesses();
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    io.stderr(`\n${signal}: stopping both sides of the A/B run\n`);
    void sides.killAll().then(() => conductor.close().finally(() => process.exit(130)));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  // The head side's progress (suites, long steps) is shown here, between the round lines.
  const renderer = createProgressRenderer({ tty: io.isTTY && Boolean(process.stderr.isTTY), write: io.stderr });
  const progress = await openProgressServer((event) => renderer.handle(event)).catch(() => undefined);
  const roots: Record<Side, string> = { base: baseDir, head: PROJECT_ROOT };
  const rounds: RoundSides[] = [];
  const roundInfo: AbRunInfo['rounds'] = [];
  const errors: string[] = [];
  const suiteSeconds = new Map<string, number>();
  let suites: string[] | undefined;
  try {
    await conductor.listen();
    for (let round = 1; round <= ab.maxRounds; round++) {
      const t0 = Date.now();
      conductor.beginRound();
      log(`round ${round}/${round <= ab.minRounds ? ab.minRounds : ab.maxRounds}: ${suites ? suites.join(', ') : 'all suites'}`);
      const results = await Promise.all(
        SIDES.map((side) => {
          const dir = path.join(runDir, 'sides', `round-${round}-${side}`);
          const relay = side === 'head' && progress ? ['--ab-progress', progress.path] : [];
          const args = [...sideArgs(options, side, round, socketPath, dir, suites), ...relay];
          return sides.run(side, roots[side], args, path.join(runDir, 'sides', `round-${round}-${side}.log`), () => conductor.sideExited(side)).then((exit) => ({ side, dir, exit }));
        }),
      );
      await conductor.endRound();
      const data: RoundSides = { round, pairs: conductor.pairs };
      for (const { side, dir, exit } of results) {
        const run = readSide(dir);
        if (run) data[side] = run;
        else errors.push(`round ${round}: the ${side} side wrote no report (exit ${exit.code ?? exit.signal}); its output: ${path.relative(process.cwd(), exit.logFile)}\n${exit.tail}`);
        for (const e of sideErrors(run, side, baseSha)) errors.push(`round ${round}: ${e}`);
      }
      errors.push(...conductor.errors.map((e) => `round ${round}: ${e}`));
      rounds.push(data);
      for (const s of data.head?.suites ?? []) if (s.durationMs !== undefined) suiteSeconds.set(s.name, s.durationMs / 1000);
      const pairs = [...conductor.pairs.values()].reduce((a, p) => a + p.logRatios.length, 0);
      roundInfo.push({ round, suites: suites ?? (data.head?.suites ?? data.base?.suites ?? []).map((s) => s.name), durationMs: Date.now() - t0, pairs });
      log(`  round ${round} done in ${Math.round((Date.now() - t0) / 1000)} s: ${pairs} lockstep pairs over ${conductor.pairs.size} metrics`);
      if (errors.length > 0) break;
      if (round < ab.minRounds) {
        if (round === 1 && suites === undefined) suites = withoutSettledSuites(rounds, roundInfo[0]!.suites, combineOptions(options, baseSha), log);
        if (suites?.length === 0) break;
        continue;
      }
      const judge = { alpha: options.alpha, pAdjust: options.pAdjust, minRounds: ab.minRounds, final: false };
      const interim = judgeAbCorrected(combineRounds(rounds, combineOptions(options, baseSha)), judge);
      const open = [...new Set(undecided(interim).map((m) => m.suite))].sort();
      if (open.length === 0 || round === ab.maxRounds) break;
      const estimateS = open.reduce((a, s) => a + (suiteSeconds.get(s) ?? 60), 0) * 1.2;
      const elapsedS = (Date.now() - startedAt.getTime()) / 1000;
      if (elapsedS + estimateS > ab.maxTimeS) {
        log(`  undecided: ${open.join(', ')}; another round (~${Math.round(estimateS)} s) would pass --max-time ${ab.maxTimeS} s: stopping`);
        break;
      }
      log(`  undecided metrics in ${open.join(', ')}: one more round for them`);
      suites = open;
    }
  } catch (error) {
    errors.push(`the A/B run failed: ${formatError(error)}`);
  } finally {
    await sides.killAll();
    await conductor.close();
    renderer.close();
    await progress?.close();
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  }

  // Final verdicts; finishRun applies the run-wide correction for multiple comparisons.
  const judge = { alpha: options.alpha, minRounds: ab.minRounds, final: true };
  const metrics: MetricResult[] = judgeAb(combineRounds(rounds, combineOptions(options, baseSha)), judge);
  const lastHead = [...rounds].reverse().find((r) => r.head)?.head;
  const context = lastHead?.context ?? [...rounds].reverse().find((r) => r.base)?.base?.context;
  if (!context) {
    io.stderr(`error: no side produced a result\n${errors.map((e) => `  ${e}`).join('\n')}\n`);
    return 2;
  }
  const finishedAt = new Date();
  const run = finishRun({
    options: { ...options, mode: 'compare' },
    runId,
    context,
    environmentClass: environmentClass(context, options.environmentTag),
    startedAt,
    finishedAt,
    metrics,
    suites: suiteResults(rounds),
    errors,
    ab: {
      base: { ref: ab.baseRef, sha: baseSha },
      head: { sha: head.sha, dirty: head.dirty },
      rounds: roundInfo,
      adjust: options.pAdjust,
      confidence: ab.confidence,
      alpha: options.alpha,
      minRounds: ab.minRounds,
      design: AB_DESIGN,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
    },
  });
  if (run.exitCode === 1 && options.profileRegressions) {
    // Which functions got slower: each regressed suite's workload profiled on both sides, diffed.
    const { profileRegressions } = await import('./profile-regressions.ts');
    const durationSeconds = Number(io.env.TRUTHGRAPH_PROFILE_SECONDS ?? 10) || 10;
    const { diffs, notes } = await profileRegressions({ run, roots, runDir, durationSeconds, log, env: io.env });
    if (diffs.length > 0) run.profileDiffs = diffs;
    if (notes.length > 0) run.notes = [...(run.notes ?? []), ...notes];
    if (diffs.length > 0) {
      const { writeProfileIndex } = await import('../profile/profile-index.ts');
      writeProfileIndex(runDir);
      run.profiles = [...(run.profiles ?? []), 'profiles/index.md', ...diffs.map((d) => d.path.replace(/\.md$/, '.html'))];
    }
  }
  const written = writeReports(run, options.reportsDir);
  if (options.print) {
    log('\n' + renderTerminal(run));
    log(`reports: ${path.relative(process.cwd(), written.dir)} (summary.md, report.html, report.json; each side's output under sides/)`);
  }
  if (options.githubActions && !options.shard) {
    const { publishToGithub } = await import('../runner/github/publish.ts');
    await publishToGithub(run, written);
  }
  return run.exitCode;
}

/** The suites a round after the first must run: all but those one round decided (undefined: all; empty: none). */
function withoutSettledSuites(
  rounds: readonly RoundSides[],
  all: readonly string[],
  combine: ReturnType<typeof combineOptions>,
  log: (line: string) => void,
): string[] | undefined {
  const settled = settledSuites(combineRounds(rounds, combine).map((c) => c.result));
  const rest = all.filter((s) => !settled.includes(s));
  if (settled.length === 0) return undefined;
  log(`  exact metrics only, decided in one round: ${settled.join(', ')}${rest.length === 0 ? ' (no suite needs another round)' : ''}`);
  return rest;
}

function combineOptions(options: HarnessOptions, baseSha: string) {
  return { confidence: options.ab!.confidence, timingAdvisory: options.timingAdvisory, baseLabel: `base ${baseSha.slice(0, 12)} (${options.ab!.baseRef})`, baseSavedAt: '' };
}

function sideArgs(options: HarnessOptions, side: Side, round: number, socket: string, reportsDir: string, suites: string[] | undefined): string[] {
  return [
    '--no-baseline',
    '--no-profile-regressions',
    '--ab-side',
    side,
    '--ab-socket',
    socket,
    '--ab-round',
    String(round),
    '--reports-dir',
    reportsDir,
    ...(options.profile === 'quick' ? ['--quick'] : []),
    ...(options.filter !== undefined ? ['--filter', options.filter] : []),
    ...(options.shard !== undefined ? ['--shard', options.shard] : []),
    ...(suites ? ['--ab-suites', suites.join(',')] : []),
  ];
}

function readSide(dir: string): RunResult | undefined {
  const file = path.join(dir, 'latest', 'report.json');
  if (!fs.existsSync(file)) return undefined;
  return parseRunResult(fs.readFileSync(file, 'utf8'), file);
}

/** A side's own harness errors, named by side; base's carry the hint that it runs head's harness. */
function sideErrors(run: RunResult | undefined, side: Side, baseSha: string): string[] {
  if (!run) return [];
  const hint = side === 'base' ? ` (the base ${baseSha.slice(0, 12)} runs head's harness: a base suite failing here may rely on a harness API head changed)` : '';
  return [...run.errors.filter((e) => !e.startsWith('no perf suite matched')).map((e) => `${side}: ${e}${hint}`), ...run.suites.flatMap((s) => s.errors.map((e) => `${side}: suite ${s.name}: ${e}${hint}`))];
}

/** Head's suites (with their context) of the latest round each ran in; errors live in the run's errors. */
function suiteResults(rounds: readonly RoundSides[]): SuiteResult[] {
  const bySuite = new Map<string, SuiteResult>();
  for (const r of rounds) for (const s of r.head?.suites ?? r.base?.suites ?? []) bySuite.set(s.name, { ...s, errors: [] });
  return [...bySuite.values()];
}
