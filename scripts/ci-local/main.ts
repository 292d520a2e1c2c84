// Runs a workflow's jobs on this machine, as far as they do not need GitHub: jobs in `needs`
// order, matrices expanded, `if:` and `${{ }}` evaluated by GitHub's expression library,
// `run:` steps in bash with the GITHUB_* environment a runner gives (event payload, step
// outputs, job summary), and the actions we use replaced by local equivalents (checkout from a
// local bare repository, artifacts in a folder). Optionally a loopback fake of the GitHub API.
//
//   npm run ci:local -- .github/workflows/perf.yml --event pull_request --payload event.json \
//     --remote /tmp/scratch/remote.git --sha <sha> --ref refs/pull/1/merge --state /tmp/scratch/run1 \
//     [--jobs perf,gate] [--env K=V]... [--api pulls.json]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { PROJECT_ROOT } from '../../src/shared/paths.ts';
import { parseStepOutputs } from '../../src/perf/runner/github/outputs.ts';
import { startFakeApi, type FakeApi } from '../../src/perf/runner/github/testing/fake-api.ts';
import { condition, interpolate, type Contexts } from './expressions.ts';
import { localReplacement, runAction, type ActionEnv } from './actions.ts';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string | boolean;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string | number | boolean>;
  'working-directory'?: string;
  'continue-on-error'?: boolean;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string | boolean;
  env?: Record<string, string | number>;
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown[]> };
  steps: Step[];
}
interface Workflow {
  env?: Record<string, string | number>;
  jobs: Record<string, Job>;
}
type Result = 'success' | 'failure' | 'skipped';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    event: { type: 'string' },
    payload: { type: 'string' },
    remote: { type: 'string' },
    sha: { type: 'string' },
    ref: { type: 'string', default: '' },
    state: { type: 'string' },
    repo: { type: 'string', default: 'local/truthgraph-perf' },
    jobs: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    api: { type: 'string' },
    'drop-artifact': { type: 'string', multiple: true, default: [] },
    'skip-step': { type: 'string', multiple: true, default: [] },
  },
});
const workflowFile = positionals[0];
if (!workflowFile || !values.event || !values.payload || !values.remote || !values.sha || !values.state) {
  console.error('usage: ci-local <workflow.yml> --event <name> --payload <event.json> --remote <git url> --sha <sha> [--ref <ref>] --state <dir> [--jobs a,b] [--env K=V]... [--api <pulls.json>] [--drop-artifact <name>]... [--skip-step <name part>]...');
  process.exit(2);
}
const workflow = parseYaml(fs.readFileSync(workflowFile, 'utf8')) as Workflow;
const stateDir = path.resolve(values.state);
fs.mkdirSync(stateDir, { recursive: true });
const eventPath = path.join(stateDir, 'event.json');
fs.copyFileSync(values.payload, eventPath);
const payload = JSON.parse(fs.readFileSync(eventPath, 'utf8')) as Record<string, unknown>;
const overrides = Object.fromEntries(values.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const only = values.jobs ? new Set(values.jobs.split(',')) : undefined;
const runId = String(Date.now());

let api: FakeApi | undefined;
if (values.api) api = await startFakeApi(JSON.parse(fs.readFileSync(values.api, 'utf8')) as Parameters<typeof startFakeApi>[0]);

const github = {
  event_name: values.event,
  event: payload,
  sha: values.sha,
  ref: values.ref,
  repository: values.repo,
  repository_owner: values.repo.split('/')[0],
  run_id: runId,
  server_url: 'https://github.com',
  api_url: api?.url ?? 'http://127.0.0.1:9/no-github-api-in-local-runs',
  token: 'local-token',
};
const inputs = values.event === 'workflow_dispatch' ? ((payload.inputs ?? {}) as Record<string, string>) : {};
const results = new Map<string, { result: Result; outputs: Record<string, string> }>();
const summary: string[] = [];

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);

function matrixOf(job: Job): Record<string, unknown>[] {
  const m = job.strategy?.matrix;
  if (!m) return [{}];
  return Object.entries(m).reduce<Record<string, unknown>[]>((acc, [k, vs]) => acc.flatMap((a) => vs.map((v) => ({ ...a, [k]: v }))), [{}]);
}

/** Async, so that the fake GitHub API in this process answers the step's requests meanwhile. */
async function runStepScript(script: string, cwd: string, env: NodeJS.ProcessEnv, label: string): Promise<number> {
  const file = path.join(stateDir, `step-${Date.now()}-${Math.random().toString(36).slice(2)}.sh`);
  fs.writeFileSync(file, script);
  const code = await new Promise<number>((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], { cwd, env, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`[${label}] ${error.message}`);
      resolve(1);
    });
    child.on('exit', (status) => resolve(status ?? 1));
  });
  fs.rmSync(file, { force: true });
  return code;
}

async function runJob(id: string, job: Job, matrix: Record<string, unknown>): Promise<{ result: Result; outputs: Record<string, string> }> {
  const label = Object.keys(matrix).length ? `${id} (${Object.values(matrix).join(', ')})` : id;
  const jobDir = path.join(stateDir, 'jobs', label.replace(/[^A-Za-z0-9._-]+/g, '_'));
  fs.rmSync(jobDir, { recursive: true, force: true });
  const workspace = path.join(jobDir, 'ws');
  const temp = path.join(jobDir, 'tmp');
  fs.mkdirSync(workspace, { recursive: true });
  fs.mkdirSync(temp, { recursive: true });
  const stepSummary = path.join(jobDir, 'summary.md');
  fs.writeFileSync(stepSummary, '');
  const needs = Object.fromEntries(needsOf(job).map((n) => [n, results.get(n) ?? { result: 'skipped', outputs: {} }]));
  const steps: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
  const state = { jobFailed: false, workspace };
  const ctx = (): Contexts => ({ github: { ...github, workspace }, inputs, matrix, needs, steps, env: {}, runner: { os: 'Linux', temp }, job: { status: state.jobFailed ? 'failure' : 'success' } });
  const wfEnv = Object.fromEntries(Object.entries({ ...workflow.env, ...job.env }).map(([k, v]) => [k, interpolate(str(v), ctx(), state)]));
  const log = (line: string): void => console.log(`[${label}] ${line}`);
  const actionEnv: ActionEnv = { workspace, artifactsDir: path.join(stateDir, 'artifacts'), remote: values.remote!, projectRoot: PROJECT_ROOT, sha: github.sha, ref: github.ref, dropArtifacts: new Set(values['drop-artifact']), log };
  for (const [i, step] of job.steps.entries()) {
    const c = { ...ctx(), env: wfEnv };
    const name = step.name ? interpolate(step.name, c, state) : (step.uses ?? str(step.run).split('\n')[0]!);
    const skipFlag = values['skip-step'].find((x) => name.includes(x));
    if (skipFlag) {
      log(`-- skip (--skip-step ${skipFlag}): ${name}`);
      summary.push(`${label} | ${name} | skipped locally (--skip-step)`);
      if (step.id) steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    if (!condition(step.if, c, state)) {
      log(`-- skip: ${name}`);
      if (step.id) steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    log(`== ${name}`);
    const env = { ...wfEnv, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(str(v), c, state)])), ...overrides };
    const outputFile = path.join(jobDir, `output-${i}`);
    fs.writeFileSync(outputFile, '');
    let ok = true;
    try {
      if (step.uses) {
        const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(str(v), c, state)]));
        runAction(step.uses, w, actionEnv);
      } else {
        const cwd = path.resolve(workspace, step['working-directory'] ? interpolate(step['working-directory'], c, state) : '.');
        const script = interpolate(str(step.run), c, state);
        const replaced = localReplacement(script, cwd, actionEnv);
        if (replaced) log(`(local stand-in) ${replaced.split('\n')[0]}`);
        const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GITHUB_') && !k.startsWith('RUNNER_')));
        const code = await runStepScript(replaced ?? script, cwd, {
          ...inherited,
          CI: 'true',
          GITHUB_ACTIONS: 'true',
          GITHUB_EVENT_NAME: github.event_name,
          GITHUB_EVENT_PATH: eventPath,
          GITHUB_REPOSITORY: github.repository,
          GITHUB_REPOSITORY_OWNER: str(github.repository_owner),
          GITHUB_RUN_ID: runId,
          GITHUB_RUN_ATTEMPT: '1',
          GITHUB_SHA: github.sha,
          GITHUB_REF: github.ref,
          GITHUB_SERVER_URL: github.server_url,
          GITHUB_API_URL: github.api_url,
          GITHUB_WORKSPACE: workspace,
          GITHUB_OUTPUT: outputFile,
          GITHUB_STEP_SUMMARY: stepSummary,
          GITHUB_ENV: path.join(jobDir, 'env'),
          GITHUB_JOB: id,
          RUNNER_TEMP: temp,
          RUNNER_OS: 'Linux',
          ...env,
        }, label);
        ok = code === 0;
        if (!ok) log(`step exited ${code}`);
      }
    } catch (error) {
      ok = false;
      log(`error: ${(error as Error).message}`);
    }
    const outcome = ok ? 'success' : 'failure';
    const conclusion = ok || step['continue-on-error'] ? 'success' : 'failure';
    if (step.id) steps[step.id] = { outputs: parseStepOutputs(fs.readFileSync(outputFile, 'utf8')), outcome, conclusion };
    summary.push(`${label} | ${name} | ${outcome}${outcome !== conclusion ? ' (continue-on-error)' : ''}`);
    if (conclusion === 'failure') state.jobFailed = true;
  }
  const outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([k, v]) => [k, interpolate(v, { ...ctx(), env: wfEnv }, state)]));
  return { result: state.jobFailed ? 'failure' : 'success', outputs };
}

const pending = new Map(Object.entries(workflow.jobs));
while (pending.size > 0) {
  const ready = [...pending].find(([, job]) => needsOf(job).every((n) => results.has(n)));
  if (!ready) throw new Error(`jobs with unknown or circular needs: ${[...pending.keys()].join(', ')}`);
  const [id, job] = ready;
  pending.delete(id);
  if (only && !only.has(id)) {
    console.log(`[${id}] not selected (--jobs): counted as success`);
    results.set(id, { result: 'success', outputs: {} });
    continue;
  }
  const needs = Object.fromEntries(needsOf(job).map((n) => [n, results.get(n)!]));
  const jobState = { jobFailed: Object.values(needs).some((n) => n.result !== 'success'), workspace: stateDir };
  if (!condition(job.if, { github, inputs, needs, vars: {}, env: {} }, jobState)) {
    console.log(`[${id}] skipped (if: ${str(job.if) || 'success()'})`);
    results.set(id, { result: 'skipped', outputs: {} });
    summary.push(`${id} | (job) | skipped`);
    continue;
  }
  const runs = [];
  for (const m of matrixOf(job)) runs.push(await runJob(id, job, m));
  results.set(id, { result: runs.some((r) => r.result === 'failure') ? 'failure' : 'success', outputs: runs.at(-1)!.outputs });
}

await api?.close();
const report = { jobs: Object.fromEntries([...results].map(([k, v]) => [k, v])), steps: summary, api: api?.state };
fs.writeFileSync(path.join(stateDir, 'result.json'), JSON.stringify(report, null, 2) + '\n');
console.log('\njob | step | outcome\n' + summary.join('\n'));
console.log(`\njobs: ${[...results].map(([k, v]) => `${k} ${v.result}`).join(', ')}\nresult: ${path.join(stateDir, 'result.json')}`);
process.exitCode = [...results.values()].some((r) => r.result === 'failure') ? 1 : 0;
