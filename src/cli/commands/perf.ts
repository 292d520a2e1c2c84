// `truthgraph perf ...`: re-render a finished run, compare two runs, publish a run to GitHub
// Actions. (`npm run perf` itself is bin/perf.js, which runs vitest.)
import fs from 'node:fs';
import path from 'node:path';
import type { RegisterCommands } from '../command-context.ts';
import { UserError } from '../../shared/errors.ts';
import { parseRunResult, type RunResult } from '../../perf/metrics/run-result.ts';
import { renderTerminal } from '../../perf/report/terminal.ts';
import { renderSummaryMarkdown } from '../../perf/report/markdown.ts';
import { renderHtml } from '../../perf/report/html.ts';
import { compareRuns, mergeRuns } from '../../perf/runner/compare-runs.ts';
import { writeReports } from '../../perf/report/writer.ts';

function load(file: string, cwd: string): RunResult {
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${abs}: ${(error as Error).message}`, { fix: 'pass the report.json of a finished run, e.g. reports/latest/report.json' });
  }
  return parseRunResult(text, abs);
}

const RENDERERS: Record<string, (run: RunResult) => string> = {
  terminal: renderTerminal,
  md: renderSummaryMarkdown,
  html: renderHtml,
  json: (run) => JSON.stringify(run, null, 2) + '\n',
};

function formatOption(value: string): string {
  if (!(value in RENDERERS)) throw new UserError(`unknown format ${value}`, { fix: `use one of ${Object.keys(RENDERERS).join(', ')}` });
  return value;
}

export const register: RegisterCommands = (program, ctx) => {
  const perf = program.command('perf').description('performance harness reports (run the suites with `npm run perf`)');

  perf
    .command('report')
    .description('re-render a finished run (report.json) as a terminal table, markdown, html or json')
    .argument('<run.json>', 'report.json of a run, e.g. reports/latest/report.json')
    .option('--format <format>', 'terminal | md | html | json', 'terminal')
    .option('--out <file>', 'write to a file instead of stdout')
    .action((file: string, opts: { format: string; out?: string }) => {
      const run = load(file, ctx.io.cwd);
      const text = RENDERERS[formatOption(opts.format)]!(run);
      if (opts.out) {
        fs.writeFileSync(path.resolve(ctx.io.cwd, opts.out), text);
        ctx.io.stdout(`wrote ${opts.out}\n`);
      } else ctx.io.stdout(text);
      ctx.setExitCode(run.exitCode);
    });

  perf
    .command('compare')
    .description('judge every metric of run B against the same metric of run A (exit 1 on a regression)')
    .argument('<a.json>', 'the reference run (report.json)')
    .argument('<b.json>', 'the run to judge (report.json)')
    .option('--format <format>', 'terminal | md | html | json', 'terminal')
    .option('--reports-dir <dir>', 'also write the comparison as a report folder here')
    .action((a: string, b: string, opts: { format: string; reportsDir?: string }) => {
      const result = compareRuns(load(a, ctx.io.cwd), load(b, ctx.io.cwd), { baseline: a, current: b });
      ctx.io.stdout(RENDERERS[formatOption(opts.format)]!(result));
      if (opts.reportsDir) {
        const safe = { ...result, runId: `compare-${new Date().toISOString().replace(/[:.]/g, '-')}` };
        ctx.io.stdout(`reports: ${writeReports(safe, path.resolve(ctx.io.cwd, opts.reportsDir)).dir}\n`);
      }
      ctx.setExitCode(result.exitCode);
    });

  perf
    .command('merge')
    .description('merge the report.json files of sharded runs (npm run perf -- --shard i/n) into one run')
    .argument('<runs...>', 'report.json files of the shards')
    .requiredOption('--reports-dir <dir>', 'write the merged run as reports/<run-id>/ here (and point latest at it)')
    .action((files: string[], opts: { reportsDir: string }) => {
      const merged = mergeRuns(
        files.map((f) => load(f, ctx.io.cwd)),
        `merged-${new Date().toISOString().replace(/[:.]/g, '-')}`,
      );
      const written = writeReports(merged, path.resolve(ctx.io.cwd, opts.reportsDir));
      ctx.io.stdout(renderTerminal(merged) + `reports: ${written.dir}\n`);
      ctx.setExitCode(merged.exitCode);
    });

  perf
    .command('ci-summary')
    .description('publish a run to GitHub Actions: job summary ($GITHUB_STEP_SUMMARY) and annotations')
    .argument('<run.json>', 'report.json of a run, e.g. reports/latest/report.json')
    .action(async (file: string) => {
      const run = load(file, ctx.io.cwd);
      const { publishToGithub } = await import('../../perf/runner/github/publish.ts');
      const r = await publishToGithub(run);
      ctx.io.stdout(`job summary ${r.summary ? 'written' : 'skipped (GITHUB_STEP_SUMMARY not set or missing)'}, ${r.annotations} annotation(s)\n`);
      ctx.setExitCode(run.exitCode);
    });
};
