// `truthgraph perf refresh-plan|apply-baselines|recheck`: the three steps of the reviewed
// baseline refresh that run no PR code. refresh-plan decides what to measure and why;
// apply-baselines checks the measured files and writes them into the PR checkout;
// recheck dispatches the perf workflow on the new head (a push made with the workflow token
// starts no workflow by itself).
import path from 'node:path';
import type { CommandContext, RegisterCommands } from '../command-context.ts';
import { UserError } from '../../shared/errors.ts';
import { dispatchInput, pullRequestOf, readGithubRun } from '../../perf/runner/github/event.ts';
import { setStepOutputs } from '../../perf/runner/github/outputs.ts';
import { applyBaselineUploads, checkReason, collectBaselineUploads, reasonFromComments, REFRESH_LABEL } from '../../perf/runner/github/refresh.ts';
import { perfCommand } from './perf-ci.ts';

async function refreshPlan(ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const gh = readGithubRun(io.env);
  const api = await import('../../perf/runner/github/api.ts');
  const octokit = api.octokitFor(gh, io.env);
  const repo = { owner: gh.owner, repo: gh.repo };
  let pr = pullRequestOf(gh);
  let reason: string | undefined;
  let source = 'none';
  if (pr) {
    const label = (gh.payload.label as { name?: string } | undefined)?.name;
    if (label !== REFRESH_LABEL) throw new UserError(`the ${gh.eventName} event is for label "${label ?? ''}", not ${REFRESH_LABEL}`);
  } else if (gh.eventName === 'workflow_dispatch') {
    const input = dispatchInput(gh, 'pr');
    if (!input || !/^\d+$/.test(input)) throw new UserError('the dispatch input pr must be a pull request number', { fix: 'run the workflow with pr=<number>' });
    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: Number(input) });
    const headRepo = data.head.repo?.full_name ?? '(deleted fork)';
    pr = {
      number: data.number,
      headSha: data.head.sha,
      headRef: data.head.ref,
      headRepo,
      baseSha: data.base.sha,
      baseRef: data.base.ref,
      sameRepo: headRepo === gh.repository,
    };
    const r = dispatchInput(gh, 'reason');
    if (r) [reason, source] = [r, 'dispatch input'];
  } else {
    throw new UserError(`refresh-plan runs on a labeled pull request or a dispatch, not ${gh.eventName}`);
  }
  if (!pr.sameRepo) {
    throw new UserError(`PR #${pr.number} comes from ${pr.headRepo}: baselines are refreshed only for branches of ${gh.repository} (the commit is pushed to the PR branch)`, {
      fix: 'push the branch to this repository and open the PR from there, or save baselines on the runner class by hand',
    });
  }
  if (!reason) {
    const found = reasonFromComments(await api.listIssueComments(octokit, repo, pr.number));
    if (found) [reason, source] = [found.reason, `PR comment by @${found.author}`];
  }
  const checked = reason ? checkReason(reason) : '';
  const outputs = { pr: String(pr.number), 'head-sha': pr.headSha, 'head-ref': pr.headRef, 'base-sha': pr.baseSha, reason: checked, 'reason-source': source };
  for (const [k, v] of Object.entries(outputs)) io.stdout(`${k}=${v}\n`);
  setStepOutputs(io.env, outputs);
}

async function recheck(ctx: CommandContext, opts: { workflow: string; ref: string; pr: string; base: string }): Promise<void> {
  const gh = readGithubRun(ctx.io.env);
  const { octokitFor } = await import('../../perf/runner/github/api.ts');
  const dispatch = { owner: gh.owner, repo: gh.repo, workflow_id: opts.workflow, ref: opts.ref, inputs: { pr: opts.pr, base: opts.base } };
  await octokitFor(gh, ctx.io.env).rest.actions.createWorkflowDispatch(dispatch);
  ctx.io.stdout(`dispatched ${opts.workflow} on ${opts.ref} (pr ${opts.pr}, base ${opts.base.slice(0, 7)})\n`);
}

export const register: RegisterCommands = (program, ctx) => {
  const perf = perfCommand(program);
  perf
    .command('refresh-plan')
    .description('CI: which PR commit a baseline refresh measures, and the reason for a forced save (PR comment or dispatch input)')
    .action(() => refreshPlan(ctx));

  perf
    .command('apply-baselines')
    .description('CI: check uploaded baselines (paths, schema) and write them into a checkout\'s baselines folder')
    .argument('<upload-dir>', 'the downloaded baselines artifact (<env-class>/<suite>.<profile>.json)')
    .requiredOption('--into <baselines-dir>', 'the baselines folder of the PR checkout')
    .action((dir: string, opts: { into: string }) => {
      const uploads = collectBaselineUploads(path.resolve(ctx.io.cwd, dir));
      const written = applyBaselineUploads(uploads, path.resolve(ctx.io.cwd, opts.into));
      for (const w of written) ctx.io.stdout(`baseline: ${path.relative(ctx.io.cwd, w)}\n`);
      setStepOutputs(ctx.io.env, { files: String(written.length) });
    });

  perf
    .command('recheck')
    .description('CI: dispatch the perf workflow on a branch (runs the check on a head pushed with the workflow token)')
    .requiredOption('--ref <branch>', 'branch to run on')
    .requiredOption('--pr <number>', 'the pull request the run reports to')
    .requiredOption('--base <sha>', 'the base commit to compare against')
    .option('--workflow <file>', 'workflow file name', 'perf.yml')
    .action((opts: { workflow: string; ref: string; pr: string; base: string }) => recheck(ctx, opts));
};
