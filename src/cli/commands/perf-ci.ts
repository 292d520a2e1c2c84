// `truthgraph perf gate|comment|runner-class|history-append`: the CI side of the harness, one
// command per workflow step, so that every `run:` step is a short call that tests and
// scripts/ci-local.ts can drive with a recorded GITHUB_* environment.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CommandContext, RegisterCommands } from '../command-context.ts';
import { UserError } from '../../shared/errors.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { parseRunResult, type RunResult } from '../../perf/metrics/run-result.ts';
import { renderTerminal } from '../../perf/report/terminal.ts';
import { writeReports } from '../../perf/report/writer.ts';
import { collectContext, environmentClass } from '../../perf/context/run-context.ts';
import { resolveTestServerChoice, testServerTag } from '../../truthgraph/db/test-server.ts';
import { checkArrivals, listSuites, readShardArtifacts } from '../../perf/runner/github/arrivals.ts';
import { judgeGate } from '../../perf/runner/github/gate.ts';
import { gateRecord, gateRecordSchema, renderComment, type GateRecord } from '../../perf/runner/github/comment.ts';
import { dispatchInput, pullRequestOf, readGithubRun, type GithubRun } from '../../perf/runner/github/event.ts';
import { setStepOutputs } from '../../perf/runner/github/outputs.ts';
import { appendHistory, historyEntry } from '../../perf/runner/history.ts';

export function perfCommand(program: Command): Command {
  const perf = program.commands.find((c) => c.name() === 'perf');
  if (!perf) throw new Error('the perf command group must be registered before its CI commands');
  return perf;
}

/** The GitHub run when the GITHUB_* environment is there (CI, ci-local), else undefined. */
export function githubRunIfAny(env: NodeJS.ProcessEnv): GithubRun | undefined {
  return env.GITHUB_EVENT_PATH && env.GITHUB_REPOSITORY ? readGithubRun(env) : undefined;
}

function loadRun(file: string): RunResult {
  if (!fs.existsSync(file)) throw new UserError(`no report at ${file}`, { fix: 'pass the report.json of a finished run' });
  return parseRunResult(fs.readFileSync(file, 'utf8'), file);
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive integer, got ${value}`);
  return n;
}

/** The PR a run is for: the pull_request event's, or the `pr` input of a dispatched run (the refresh's re-check). */
function pullRequestMeta(gh: GithubRun | undefined): GateRecord['pullRequest'] {
  if (!gh) return null;
  const pr = pullRequestOf(gh);
  if (pr) return { number: pr.number, headSha: pr.headSha };
  const input = dispatchInput(gh, 'pr');
  return input ? { number: positiveInt(input, 'the dispatch input pr'), headSha: gh.sha } : null;
}

interface GateOptions {
  expectShards: string;
  reportsDir: string;
  out: string;
  suitesDir: string;
  headSha?: string;
  filter?: string;
}

async function gate(ctx: CommandContext, shardsDir: string, opts: GateOptions): Promise<void> {
  const { io } = ctx;
  const filter = opts.filter ?? io.env.PERF_FILTER;
  const gh = githubRunIfAny(io.env);
  const expectedShards = positiveInt(opts.expectShards, '--expect-shards');
  const headSha = opts.headSha ?? gh?.sha;
  const suites = listSuites(path.resolve(io.cwd, opts.suitesDir)).filter((s) => !filter || s.includes(filter));
  const check = checkArrivals(readShardArtifacts(path.resolve(io.cwd, shardsDir)), { shards: expectedShards, suites, ...(headSha && { headSha }) });
  const result = judgeGate(check, `gate-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const record = gateRecord(result, {
    event: gh?.eventName ?? 'local',
    headSha: headSha ?? result.run?.context.gitSha ?? null,
    baseSha: check.baseSha,
    pullRequest: pullRequestMeta(gh),
    runUrl: gh?.runUrl ?? null,
    expectedShards,
  });
  const body = renderComment(record, result.run);
  const out = path.resolve(io.cwd, opts.out);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'gate.json'), JSON.stringify(record, null, 2) + '\n');
  fs.writeFileSync(path.join(out, 'comment.md'), body);
  if (result.run) {
    const written = writeReports(result.run, path.resolve(io.cwd, opts.reportsDir));
    fs.copyFileSync(written.json, path.join(out, 'report.json'));
    io.stdout(renderTerminal(result.run) + `reports: ${written.dir}\n`);
  }
  for (const p of result.problems) io.stdout(`missing: ${p}\n`);
  io.stdout(`${result.headline}\ngate record: ${path.join(out, 'gate.json')}, comment body: ${path.join(out, 'comment.md')}\n`);
  setStepOutputs(io.env, { 'exit-code': String(result.exitCode), verdict: result.verdict });
  if (io.env.GITHUB_ACTIONS === 'true') {
    const { appendJobSummary, issueAnnotations } = await import('../../perf/runner/github/publish.ts');
    const { annotationsOf } = await import('../../perf/runner/github/annotations.ts');
    issueAnnotations([
      ...(result.exitCode !== 0 ? [{ level: 'error' as const, title: 'perf gate', message: result.headline }] : []),
      ...check.problems.map((message) => ({ level: 'error' as const, title: 'perf gate: missing', message })),
      ...(result.run ? annotationsOf(result.run) : []),
    ]);
    await appendJobSummary(body);
  }
  ctx.setExitCode(result.exitCode);
}

async function comment(ctx: CommandContext, dir: string, opts: { dryRun?: boolean }): Promise<void> {
  const { io } = ctx;
  const folder = path.resolve(io.cwd, dir);
  const gateFile = path.join(folder, 'gate.json');
  if (!fs.existsSync(gateFile)) throw new UserError(`no gate.json in ${folder}`, { fix: 'download the perf-report artifact of the perf workflow run first' });
  const parsed = gateRecordSchema.safeParse(JSON.parse(fs.readFileSync(gateFile, 'utf8')));
  if (!parsed.success) throw new UserError(`${gateFile} is not a gate record: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const record = parsed.data;
  const reportFile = path.join(folder, 'report.json');
  // Rendered here, by this repository's code, from the artifact's data (the PR's code never writes the comment).
  const body = renderComment(record, fs.existsSync(reportFile) ? loadRun(reportFile) : undefined);
  if (opts.dryRun) {
    io.stdout(body);
    return;
  }
  if (!record.pullRequest) {
    io.stdout('the run was not for a pull request: nothing to comment\n');
    return;
  }
  const gh = readGithubRun(io.env);
  const wr = gh.payload.workflow_run as { head_sha?: string } | undefined;
  if (gh.eventName !== 'workflow_run' || !wr?.head_sha) throw new UserError(`perf comment runs on workflow_run events, not ${gh.eventName}`);
  const api = await import('../../perf/runner/github/api.ts');
  const octokit = api.octokitFor(gh, io.env);
  const repo = { owner: gh.owner, repo: gh.repo };
  if ((await api.verifyPullRequest(octokit, repo, record.pullRequest, wr.head_sha)) === 'stale') {
    io.stdout(`PR #${record.pullRequest.number} has moved past ${wr.head_sha.slice(0, 7)}: not commenting on a stale run\n`);
    return;
  }
  const r = await api.upsertStickyComment(octokit, repo, record.pullRequest.number, body);
  io.stdout(`${r.action} comment ${r.id} on PR #${record.pullRequest.number}\n`);
}

export const register: RegisterCommands = (program, ctx) => {
  const perf = perfCommand(program);
  perf
    .command('gate')
    .description('CI: check that every shard and suite arrived, merge them, give the verdict (exit 0 pass, 1 regression, 2 harness error)')
    .argument('<shards-dir>', 'one sub-folder per shard artifact (shard.json, report.json)')
    .requiredOption('--expect-shards <n>', 'how many shards the workflow started')
    .requiredOption('--reports-dir <dir>', 'write the merged run as reports/<run-id>/ here')
    .requiredOption('--out <dir>', 'write gate.json, comment.md and report.json here (the artifact the comment workflow reads)')
    .option('--suites-dir <dir>', 'the suites every gate must see', path.join(PROJECT_ROOT, 'perf-tests'))
    .option('--head-sha <sha>', 'the commit the shards must have measured (default: $GITHUB_SHA)')
    .option('--filter <name>', 'the shards ran only suites whose file name contains this (default: $PERF_FILTER)')
    .action((dir: string, opts: GateOptions) => gate(ctx, dir, opts));

  perf
    .command('comment')
    .description('CI (workflow_run): post or update the sticky PR comment from a perf-report artifact')
    .argument('<artifact-dir>', 'the downloaded perf-report artifact (gate.json, report.json)')
    .option('--dry-run', 'print the comment body instead of posting it')
    .action((dir: string, opts: { dryRun?: boolean }) => comment(ctx, dir, opts));

  perf
    .command('runner-class')
    .description('CI: this machine\'s environment class and whether committed baselines exist for it')
    .option('--profile <profile>', 'full | quick', 'full')
    .option('--baselines-dir <dir>', 'baselines folder', path.join(PROJECT_ROOT, 'baselines'))
    .option('--db-provider <kind>', 'the database the runs use (default env TRUTHGRAPH_DB_PROVIDER, else auto): its engine ends the class')
    .action(async (opts: { profile: string; baselinesDir: string; dbProvider?: string }) => {
      const tag = await testServerTag(resolveTestServerChoice(ctx.io.env, opts.dbProvider));
      const cls = environmentClass(collectContext(PROJECT_ROOT), tag);
      const dir = path.join(path.resolve(ctx.io.cwd, opts.baselinesDir), cls);
      const count = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(`.${opts.profile}.json`)).length : 0;
      ctx.io.stdout(`class=${cls}\nbaselines=${count}\n`);
      setStepOutputs(ctx.io.env, { class: cls, baselines: String(count), 'has-baselines': String(count > 0) });
    });

  perf
    .command('history-append')
    .description('CI: append a finished run to the history file (one JSON line per run) that `perf history` reads')
    .argument('<run.json>', 'report.json of the run')
    .requiredOption('--file <history.jsonl>', 'the history file (created when missing)')
    .option('--base-sha <sha>', 'the commit the run compared against (A/B)')
    .action((file: string, opts: { file: string; baseSha?: string }) => {
      const gh = githubRunIfAny(ctx.io.env);
      const meta = { baseSha: opts.baseSha ?? null, event: gh?.eventName ?? null, runUrl: gh?.runUrl ?? null };
      const entry = historyEntry(loadRun(path.resolve(ctx.io.cwd, file)), meta);
      const n = appendHistory(path.resolve(ctx.io.cwd, opts.file), entry);
      ctx.io.stdout(`appended run ${entry.runId} (${entry.metrics.length} metrics, ${entry.envClass}) to ${opts.file}: ${n} run(s)\n`);
    });
};
