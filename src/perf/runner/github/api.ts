// The few GitHub REST calls the workflows make (through @actions/github's Octokit): the sticky
// PR comment, the check that a run's artifact belongs to the PR it names, and the PR comments a
// refresh reason is read from. Nothing here runs PR code; inputs from artifacts are checked here.
import { getOctokit } from '@actions/github';
import { UserError } from '../../../shared/errors.ts';
import { COMMENT_MARKER } from './comment.ts';
import type { GithubRun } from './event.ts';

export type Octokit = ReturnType<typeof getOctokit>;

export function octokitFor(run: Pick<GithubRun, 'apiUrl'>, env: NodeJS.ProcessEnv): Octokit {
  const token = env.GITHUB_TOKEN;
  if (!token) throw new UserError('GITHUB_TOKEN is not set', { fix: 'pass it to the step: `env: GITHUB_TOKEN: ${{ github.token }}`' });
  return getOctokit(token, { baseUrl: run.apiUrl });
}

export interface Repo {
  owner: string;
  repo: string;
}

/**
 * Whether the PR an artifact names really is the one the run measured: its current head must be
 * the run's head commit. `stale` when the PR moved on since (a newer run will comment).
 */
export async function verifyPullRequest(octokit: Octokit, repo: Repo, claimed: { number: number; headSha: string }, runHeadSha: string): Promise<'ok' | 'stale'> {
  if (claimed.headSha !== runHeadSha) {
    throw new UserError(`the artifact claims head ${claimed.headSha} for PR #${claimed.number}, but the workflow run measured ${runHeadSha}: not commenting`);
  }
  let pr;
  try {
    ({ data: pr } = await octokit.rest.pulls.get({ ...repo, pull_number: claimed.number }));
  } catch (error) {
    throw new UserError(`cannot read PR #${claimed.number}: ${(error as Error).message}`, { fix: 'the job needs `pull-requests: read` or write' });
  }
  return pr.head.sha === runHeadSha ? 'ok' : 'stale';
}

/** Create our one comment on the PR, or update it in place (found by its hidden marker). */
export async function upsertStickyComment(octokit: Octokit, repo: Repo, issueNumber: number, body: string): Promise<{ action: 'created' | 'updated'; id: number }> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 });
  const ours = comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').includes(COMMENT_MARKER));
  if (ours) {
    await octokit.rest.issues.updateComment({ ...repo, comment_id: ours.id, body });
    return { action: 'updated', id: ours.id };
  }
  const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body });
  return { action: 'created', id: data.id };
}

export interface IssueComment {
  body: string;
  author: string;
  /** OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, ... */
  association: string;
  createdAt: string;
}

export async function listIssueComments(octokit: Octokit, repo: Repo, issueNumber: number): Promise<IssueComment[]> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 });
  return comments.map((c) => ({ body: c.body ?? '', author: c.user?.login ?? '', association: c.author_association, createdAt: c.created_at }));
}
