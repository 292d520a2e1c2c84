// The reviewed baseline refresh: which PR and commit to measure and why (the reason of a forced
// save comes from a maintainer's PR comment or the dispatch input), and the commit job's check
// of the baselines the read-only measuring job uploaded before they are written into the PR.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../shared/errors.ts';
import { readBaseline } from '../../baseline/store.ts';
import { writeFileAtomic } from '../../baseline/atomic-write.ts';
import type { IssueComment } from './api.ts';

export const REFRESH_LABEL = 'refresh-baselines';
/** A PR comment line `/refresh-baselines reason: <why>` gives the reason of a forced save. */
export const REASON_COMMAND = '/refresh-baselines';
/** Only people who can label or push may give a reason (a drive-by comment cannot). */
const TRUSTED = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

/** The newest trusted `/refresh-baselines reason: ...` comment's reason, if any. */
export function reasonFromComments(comments: readonly IssueComment[]): { reason: string; author: string } | undefined {
  const sorted = [...comments].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  for (const c of sorted) {
    if (!TRUSTED.has(c.association)) continue;
    const line = c.body.split(/\r?\n/).find((l) => l.trim().startsWith(REASON_COMMAND));
    if (!line) continue;
    const reason = line
      .trim()
      .slice(REASON_COMMAND.length)
      .replace(/^\s*reason\s*:/i, '')
      .trim();
    if (reason) return { reason, author: c.author };
  }
  return undefined;
}

/** One-line reasons only: the value becomes a command-line argument and a JSON string. */
export function checkReason(reason: string): string {
  const r = reason.trim();
  if (r.length > 500) throw new UserError(`the refresh reason is ${r.length} characters long`, { fix: 'give a reason of at most 500 characters' });
  if (/[\r\n\0]/.test(r)) throw new UserError('the refresh reason spans several lines', { fix: 'give a one-line reason' });
  return r;
}

const BASELINE_PATH = /^([a-z0-9][a-z0-9-]*)\/([A-Za-z0-9._-]+)\.(full|quick)\.json$/;

export interface BaselineUpload {
  /** Path relative to the baselines folder, e.g. linux-x64-amd-epyc-7763-4c/nli.quick.json */
  relative: string;
  text: string;
}

/**
 * Every file of an uploaded baselines folder, checked: the path must be `<env-class>/<suite>.<profile>.json`,
 * no links, and the content a valid baseline whose class, suite and profile match its path.
 */
export function collectBaselineUploads(dir: string): BaselineUpload[] {
  if (!fs.existsSync(dir)) throw new UserError(`no uploaded baselines at ${dir}`, { fix: 'the measuring job must upload the baselines/ folder it saved' });
  const out: BaselineUpload[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const abs = path.join(entry.parentPath, entry.name);
    const relative = path.relative(dir, abs).split(path.sep).join('/');
    if (entry.isDirectory()) continue;
    if (!entry.isFile()) throw new UserError(`uploaded baselines: ${relative} is not a regular file`, { fix: 'upload plain files only' });
    const m = BASELINE_PATH.exec(relative);
    if (!m) throw new UserError(`uploaded baselines: unexpected path ${relative}`, { fix: 'only <env-class>/<suite>.<full|quick>.json files may be committed' });
    const file = readBaseline(abs)!;
    if (file.environmentClass !== m[1] || file.profile !== m[3] || file.suite.replace(/[^A-Za-z0-9._-]+/g, '_') !== m[2]) {
      throw new UserError(`uploaded baselines: ${relative} holds suite ${file.suite}, profile ${file.profile}, class ${file.environmentClass}: it does not match its path`);
    }
    out.push({ relative, text: fs.readFileSync(abs, 'utf8') });
  }
  if (out.length === 0) throw new UserError(`no baseline files under ${dir}`, { fix: 'the measuring job saved nothing: read its log (a save is refused over a regression without a reason)' });
  return out.sort((a, b) => a.relative.localeCompare(b.relative));
}

/** Write the uploads into a checkout's baselines folder (atomically, file by file). */
export function applyBaselineUploads(uploads: readonly BaselineUpload[], baselinesDir: string): string[] {
  return uploads.map((u) => {
    const target = path.join(baselinesDir, ...u.relative.split('/'));
    writeFileAtomic(target, u.text);
    return target;
  });
}
