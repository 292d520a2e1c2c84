// What a workflow step knows about its run: the GITHUB_* environment and the event payload
// ($GITHUB_EVENT_PATH), read once and validated, so that the gate, the comment and the refresh
// code get typed facts (and a clear error naming the variable when one is missing).
import fs from 'node:fs';
import { z } from 'zod';
import { UserError } from '../../../shared/errors.ts';

export interface GithubRun {
  eventName: string;
  owner: string;
  repo: string;
  /** owner/repo */
  repository: string;
  runId: string;
  runAttempt: string;
  serverUrl: string;
  apiUrl: string;
  /** Link to this workflow run's page. */
  runUrl: string;
  sha: string;
  ref: string;
  payload: Record<string, unknown>;
}

export interface PullRequestRef {
  number: number;
  headSha: string;
  headRef: string;
  /** owner/repo the head branch lives in (a fork's name for fork PRs). */
  headRepo: string;
  baseSha: string;
  baseRef: string;
  sameRepo: boolean;
}

const pullRequestSchema = z.object({
  number: z.number().int().positive(),
  head: z.object({ sha: z.string().regex(/^[0-9a-f]{40}$/), ref: z.string(), repo: z.object({ full_name: z.string() }).nullable() }),
  base: z.object({ sha: z.string().regex(/^[0-9a-f]{40}$/), ref: z.string(), repo: z.object({ full_name: z.string() }) }),
});

function need(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new UserError(`${name} is not set: this command reads the GitHub Actions environment`, { fix: `run it in a GitHub Actions step, or set ${name} (scripts/ci-local.ts sets every GITHUB_* variable for local runs)` });
  return v;
}

export function readGithubRun(env: NodeJS.ProcessEnv): GithubRun {
  const repository = need(env, 'GITHUB_REPOSITORY');
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) throw new UserError(`GITHUB_REPOSITORY must be owner/repo, got ${repository}`);
  const eventPath = need(env, 'GITHUB_EVENT_PATH');
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(fs.readFileSync(eventPath, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UserError(`cannot read the event payload ${eventPath}: ${(error as Error).message}`, { fix: 'GITHUB_EVENT_PATH must name the JSON file of the triggering event' });
  }
  const serverUrl = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runId = need(env, 'GITHUB_RUN_ID');
  return {
    eventName: need(env, 'GITHUB_EVENT_NAME'),
    owner,
    repo,
    repository,
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    serverUrl,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    runUrl: `${serverUrl}/${repository}/actions/runs/${runId}`,
    sha: need(env, 'GITHUB_SHA'),
    ref: env.GITHUB_REF ?? '',
    payload,
  };
}

/** The pull request of a pull_request / pull_request_target event; undefined for other events. */
export function pullRequestOf(run: GithubRun): PullRequestRef | undefined {
  if (run.eventName !== 'pull_request' && run.eventName !== 'pull_request_target') return undefined;
  const parsed = pullRequestSchema.safeParse(run.payload.pull_request);
  if (!parsed.success) throw new UserError(`the ${run.eventName} payload has no usable pull_request: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const pr = parsed.data;
  const headRepo = pr.head.repo?.full_name ?? '(deleted fork)';
  return {
    number: pr.number,
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    headRepo,
    baseSha: pr.base.sha,
    baseRef: pr.base.ref,
    sameRepo: headRepo === run.repository,
  };
}

/** A workflow_dispatch input, trimmed; undefined when absent or empty. */
export function dispatchInput(run: GithubRun, name: string): string | undefined {
  if (run.eventName !== 'workflow_dispatch') return undefined;
  const inputs = (run.payload.inputs ?? {}) as Record<string, unknown>;
  const v = inputs[name];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}
