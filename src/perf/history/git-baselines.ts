// Every committed version of every baseline file, read from git: one history point per metric
// per version (its estimate, a 95% interval of the median from its samples, the commit, the
// commit date, whether the save was forced and why). A file that was renamed (a baseline moved
// to a new environment-class folder) keeps its history: its older versions belong to the
// series of the path it has now.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { UserError } from '../../shared/errors.ts';
import { baselineFileSchema } from '../baseline/schema.ts';
import { bootstrapMedianCi } from '../stats/bootstrap.ts';
import type { HistoryPoint } from './points.ts';

function git(cwd: string, args: string[], input?: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, ...(input !== undefined && { input }), stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new UserError(`git ${args.slice(0, 2).join(' ')} failed in ${cwd}: ${(e.stderr ?? e.message).trim().split('\n')[0]}`, {
      fix: 'run the command inside a git checkout of the project (or pass --no-git to skip the baselines history)',
      cause: error,
    });
  }
}

export interface BaselineVersion {
  sha: string;
  date: string;
  /** The path in that commit. */
  path: string;
  /** The path the file has at the newest commit that touched it (its series). */
  currentPath: string;
}

/** The versions of the baseline files under `dir` (relative to the repository root), newest first. */
export function listBaselineVersions(repo: string, dir = 'baselines'): BaselineVersion[] {
  const log = git(repo, ['log', '-M', '--name-status', '--format=%x00%H %cI', '--', dir]);
  const renamedTo = new Map<string, string>(); // older path -> path it has now
  const out: BaselineVersion[] = [];
  for (const chunk of log.split('\0').filter((c) => c.trim())) {
    const [head, ...lines] = chunk.trim().split('\n');
    const [sha, date] = head!.split(' ');
    for (const line of lines.filter((l) => l.trim())) {
      const [status, a, b] = line.split('\t');
      const now = (p: string): string => renamedTo.get(p) ?? p;
      if (status!.startsWith('R') || status!.startsWith('C')) {
        out.push({ sha: sha!, date: date!, path: b!, currentPath: now(b!) });
        if (status!.startsWith('R')) renamedTo.set(a!, now(b!));
      } else if (status !== 'D' && a!.endsWith('.json')) out.push({ sha: sha!, date: date!, path: a!, currentPath: now(a!) });
    }
  }
  return out.filter((v) => v.path.endsWith('.json'));
}

/** Blob contents for `<sha>:<path>` specs, through one `git cat-file --batch`. */
function readBlobs(repo: string, specs: string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (specs.length === 0) return out;
  const raw = execFileSync('git', ['cat-file', '--batch'], { cwd: repo, input: specs.join('\n') + '\n', maxBuffer: 1 << 30 });
  let at = 0;
  for (const spec of specs) {
    const nl = raw.indexOf(10, at);
    const header = raw.subarray(at, nl).toString('utf8');
    at = nl + 1;
    if (header.endsWith('missing')) continue;
    const size = Number(header.split(' ')[2]);
    out.set(spec, raw.subarray(at, at + size).toString('utf8'));
    at += size + 1;
  }
  return out;
}

/** History points of every committed baseline version under `dir`; unreadable versions are reported in `skipped`. */
export function readBaselineHistory(repo: string, dir = 'baselines'): { points: HistoryPoint[]; skipped: string[] } {
  const versions = listBaselineVersions(repo, dir);
  const blobs = readBlobs(repo, versions.map((v) => `${v.sha}:${v.path}`));
  const points: HistoryPoint[] = [];
  const skipped: string[] = [];
  for (const v of versions) {
    const spec = `${v.sha}:${v.path}`;
    const text = blobs.get(spec);
    let parsed;
    try {
      parsed = text === undefined ? undefined : baselineFileSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      skipped.push(`${v.sha.slice(0, 7)}:${v.path}`);
      continue;
    }
    const b = parsed.data;
    // The series is the folder the file lives in now (a renamed file keeps its history).
    const seriesClass = path.basename(path.dirname(v.currentPath));
    for (const [name, m] of Object.entries(b.metrics)) {
      const ci = m.samples.length > 1 ? bootstrapMedianCi(m.samples, { seed: 1, resamples: 500 }) : null;
      points.push({
        source: 'baseline',
        origin: spec,
        sha: v.sha,
        runId: null,
        date: v.date,
        envClass: seriesClass,
        profile: b.profile,
        suite: b.suite,
        metric: name,
        unit: m.unit,
        direction: m.direction,
        kind: m.kind,
        estimate: m.estimates.median,
        ci: ci ? [ci.lower, ci.upper] : null,
        status: 'BASELINE',
        forced: b.forced?.reason ?? null,
        budget: m.budget ?? null,
        target: null,
        env: { envClass: b.environmentClass, cpuModel: b.context.cpuModel, node: b.context.node, calibration: b.context.calibrationScore },
      });
    }
  }
  return { points, skipped };
}

/** Commit dates of the given shas that this repository knows (others are left out). */
export function commitDates(repo: string, shas: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const unique = [...new Set(shas)].filter((s) => /^[0-9a-f]{7,40}$/i.test(s));
  if (unique.length === 0) return out;
  const raw = execFileSync('git', ['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd: repo, input: unique.join('\n') + '\n', encoding: 'utf8' });
  const known = unique.filter((_, i) => raw.split('\n')[i]?.endsWith(' commit'));
  if (known.length === 0) return out;
  const log = git(repo, ['show', '-s', '--format=%H %cI', ...known]);
  log.split('\n').filter(Boolean).forEach((line, i) => {
    const date = line.split(' ')[1]!;
    out.set(known[i]!, date);
  });
  return out;
}
