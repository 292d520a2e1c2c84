// `truthgraph perf history`: the history of every metric, from the committed baselines' git
// history, the runs under reports/ and the CI history file; steps found by change-point detection
// (src/perf/stats/change-points.ts); an offline HTML page and a terminal view; `--check` is the
// nightly gate for slow creep that no single pull request showed.
import fs from 'node:fs';
import path from 'node:path';
import type { RegisterCommands } from '../command-context.ts';
import { UserError, fileWriteError } from '../../shared/errors.ts';
import { perfCommand } from './perf-ci.ts';
import { collectHistory, gitRoot } from '../../perf/history/collect.ts';
import { analyseSeries, checkVerdict } from '../../perf/history/analyse.ts';
import { renderHistoryTerminal } from '../../perf/history/terminal.ts';
import { renderHistoryHtml } from '../../perf/history/html.ts';
import { CHANGE_POINT_DEFAULTS, type ChangePointOptions } from '../../perf/stats/change-points.ts';
import { stepSentence } from '../../perf/history/format-step.ts';

/** Where a local copy of the CI history file is looked for when --file is not given. */
export const DEFAULT_HISTORY_FILE = path.join('reports', 'history.jsonl');

interface HistoryOptions {
  suite?: string;
  metric?: string;
  file?: string;
  out: string;
  reportsDir: string;
  baselinesDir: string;
  git: boolean;
  check?: boolean;
  alpha: string;
  minMagnitude: string;
  permutations: string;
}

function fraction(value: string, flag: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new UserError(`${flag} must be a number between 0 and 1, got ${value}`, { fix: `e.g. ${flag} ${flag === '--alpha' ? '0.01' : '0.02'}` });
  return n;
}

function count(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 19) throw new UserError(`${flag} must be an integer >= 19, got ${value}`, { fix: `e.g. ${flag} 199` });
  return n;
}

export const register: RegisterCommands = (program, ctx) => {
  perfCommand(program)
    .command('history')
    .description('metric history over commits (committed baselines, reports/, the CI history file) with steps found by change-point detection; exit 1 with --check when the newest step of a metric is a regression')
    .option('--suite <name>', 'only suites whose name contains this')
    .option('--metric <name>', 'only metrics whose name contains this')
    .option('--file <history.jsonl>', `the CI history file (default: ${DEFAULT_HISTORY_FILE} when it exists)`)
    .option('--out <dir>', 'write history.html and history.txt here', path.join('reports', 'history'))
    .option('--reports-dir <dir>', 'runs to include (each <run>/report.json)', 'reports')
    .option('--baselines-dir <dir>', 'the baselines folder, relative to the repository root', 'baselines')
    .option('--no-git', 'leave out the committed baselines\' history (no git checkout)')
    .option('--check', 'exit 1 when the newest step of any metric is a regression (not a machine change)')
    .option('--alpha <p>', 'significance level of the permutation and mean tests', String(CHANGE_POINT_DEFAULTS.alpha))
    .option('--min-magnitude <f>', 'smallest relative step reported', String(CHANGE_POINT_DEFAULTS.minMagnitude))
    .option('--permutations <n>', 'permutations per candidate step', String(CHANGE_POINT_DEFAULTS.permutations))
    .addHelpText('after', '\nExit codes: 0 no regression step (or no --check), 1 with --check: the newest step of a metric is a regression, 2 bad input.\n')
    .action((opts: HistoryOptions) => {
      const { io } = ctx;
      const cp: ChangePointOptions = {
        alpha: fraction(opts.alpha, '--alpha'),
        minMagnitude: fraction(opts.minMagnitude, '--min-magnitude'),
        permutations: count(opts.permutations, '--permutations'),
      };
      const repo = opts.git ? gitRoot(io.cwd) : null;
      if (opts.git && !repo) throw new UserError(`${io.cwd} is not inside a git checkout: the baselines' history comes from git`, { fix: 'run it in the project checkout, or add --no-git to use reports and --file only' });
      let file: string | null = null;
      if (opts.file) {
        file = path.resolve(io.cwd, opts.file);
        if (!fs.existsSync(file)) throw new UserError(`no history file at ${file}`, { fix: 'fetch it from the perf-history branch (git show origin/perf-history:history.jsonl > reports/history.jsonl) or leave out --file' });
      } else if (fs.existsSync(path.resolve(io.cwd, DEFAULT_HISTORY_FILE))) file = path.resolve(io.cwd, DEFAULT_HISTORY_FILE);
      const collected = collectHistory({
        repo,
        baselinesDir: opts.baselinesDir,
        reportsDir: path.resolve(io.cwd, opts.reportsDir),
        historyFile: file,
        ...(opts.suite !== undefined && { suite: opts.suite }),
        ...(opts.metric !== undefined && { metric: opts.metric }),
      });
      const analysed = collected.series.map((s) => analyseSeries(s, cp));
      const o = { ...CHANGE_POINT_DEFAULTS, ...cp };
      const text = renderHistoryTerminal(analysed);
      const out = path.resolve(io.cwd, opts.out);
      const html = renderHistoryHtml(analysed, {
        sources: collected.sources,
        generatedAt: new Date().toISOString(),
        options: `E-divisive with means, alpha ${o.alpha}, ${o.permutations} permutations, steps of at least ${(o.minMagnitude * 100).toFixed(1)}% of the level, at least ${o.minSize} points a side, windows of ${o.windowSize}, seed ${o.seed}`,
      });
      for (const [name, body] of [['history.html', html], ['history.txt', text]] as const) {
        const target = path.join(out, name);
        try {
          fs.mkdirSync(out, { recursive: true });
          fs.writeFileSync(target, body);
        } catch (error) {
          throw fileWriteError(target, error);
        }
      }
      io.stdout(text);
      for (const s of collected.skipped) io.stdout(`skipped (unreadable): ${s}\n`);
      io.stdout(`${collected.sources.join('; ')}\nwrote ${path.join(out, 'history.html')} and history.txt\n`);
      if (opts.check) {
        const verdict = checkVerdict(analysed);
        for (const r of verdict.regressions) io.stdout(`check: ${r.series.key}: ${stepSentence(r.step, r.series.unit)}\n`);
        io.stdout(verdict.exitCode ? `check: ${verdict.regressions.length} metric(s) whose newest step is a regression\n` : 'check: no metric\'s newest step is a regression\n');
        ctx.setExitCode(verdict.exitCode);
      }
    });
};
