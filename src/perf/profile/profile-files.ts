// Reading profiles from disk for the diff: a .cpuprofile file, or a profile folder written by
// `truthgraph perf profile --tool cpu` (workload.cpuprofile + workload.json: the iterations and
// their window, so the diff counts only the iterations and divides by their number).
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/errors.ts';
import { diffProfiles, diffHeadlines, renderDiffHtml, renderDiffMarkdown, type CpuProfile, type ProfileDiff, type ProfileSide } from './profile-diff.ts';

interface WorkloadJson {
  suite?: string;
  metric?: string;
  iterations?: number;
  windowStartUs?: number;
  windowEndUs?: number;
  root?: string;
}

export function loadProfileSide(target: string, label: string): ProfileSide {
  const isDir = fs.existsSync(target) && fs.statSync(target).isDirectory();
  const file = isDir ? path.join(target, 'workload.cpuprofile') : target;
  if (!fs.existsSync(file)) {
    throw new UserError(`no CPU profile at ${file}`, { fix: 'pass a .cpuprofile file or a folder written by `npx truthgraph perf profile <suite> --tool cpu`' });
  }
  let profile: CpuProfile;
  try {
    profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  } catch (error) {
    throw new UserError(`${file} is not a CPU profile: ${(error as Error).message}`, { fix: 'pass a .cpuprofile (JSON) file' });
  }
  if (!Array.isArray(profile.nodes) || typeof profile.startTime !== 'number') {
    throw new UserError(`${file} is not a CPU profile (no nodes / startTime)`, { fix: 'pass a .cpuprofile written by node --cpu-prof or the inspector' });
  }
  const meta = path.join(path.dirname(file), 'workload.json');
  const w: WorkloadJson = fs.existsSync(meta) ? (JSON.parse(fs.readFileSync(meta, 'utf8')) as WorkloadJson) : {};
  return {
    profile,
    label: w.metric ? `${label} (${w.suite} / ${w.metric})` : label,
    ...(w.iterations ? { iterations: w.iterations } : {}),
    ...(w.windowStartUs && w.windowEndUs ? { window: { startUs: w.windowStartUs, endUs: w.windowEndUs } } : {}),
    ...(w.root ? { root: w.root } : {}),
  };
}

export interface WrittenDiff {
  diff: ProfileDiff;
  headlines: string[];
  markdown: string;
  html: string;
}

/** Diff two profiles and write profile-diff.md / profile-diff.html into `outDir`. */
export function writeProfileDiff(base: string, head: string, outDir: string, title?: string): WrittenDiff {
  const diff = diffProfiles(loadProfileSide(base, 'base'), loadProfileSide(head, 'head'));
  fs.mkdirSync(outDir, { recursive: true });
  const markdown = path.join(outDir, 'profile-diff.md');
  const html = path.join(outDir, 'profile-diff.html');
  fs.writeFileSync(markdown, renderDiffMarkdown(diff, title));
  fs.writeFileSync(html, renderDiffHtml(diff, title));
  return { diff, headlines: diffHeadlines(diff, 5), markdown, html };
}
