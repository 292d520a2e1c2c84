// The index of a run's profiles (reports/<run-id>/profiles/index.md): one section per suite and
// tool with the workload that ran, its main artefact, every file and how to open it; and the
// attachment of a profile to its run (report.json, report.html and summary.md list the index).
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../baseline/atomic-write.ts';
import { parseRunResult } from '../metrics/run-result.ts';
import { renderAll } from '../report/writer.ts';
import { isProfileTool, listFiles, mainArtefact, TOOL_NOTES, type ProfileTool } from './profile-tools.ts';

export interface ProfileEntry {
  suite: string;
  tool: ProfileTool;
  /** Relative to the profiles folder. */
  dir: string;
  main: string | undefined;
  files: Array<{ file: string; bytes: number }>;
  workload?: { metric?: string; description?: string; iterations?: number; durationMs?: number; itemsPerIteration?: number; unit?: string };
  command?: string;
}

/** Every <suite>/<tool>/ folder under a run's profiles folder. */
export function scanProfiles(profilesDir: string): ProfileEntry[] {
  if (!fs.existsSync(profilesDir)) return [];
  const entries: ProfileEntry[] = [];
  for (const suite of fs.readdirSync(profilesDir).sort()) {
    const suiteDir = path.join(profilesDir, suite);
    if (!fs.statSync(suiteDir).isDirectory()) continue;
    for (const tool of fs.readdirSync(suiteDir).sort()) {
      const dir = path.join(suiteDir, tool);
      if (!isProfileTool(tool) || !fs.statSync(dir).isDirectory()) continue;
      const w = path.join(dir, 'workload.json');
      const c = path.join(dir, 'command.txt');
      entries.push({
        suite,
        tool,
        dir: `${suite}/${tool}`,
        main: mainArtefact(tool, dir),
        files: listFiles(dir),
        ...(fs.existsSync(w) && { workload: JSON.parse(fs.readFileSync(w, 'utf8')) as ProfileEntry['workload'] }),
        ...(fs.existsSync(c) && { command: fs.readFileSync(c, 'utf8').trim() }),
      });
    }
  }
  return entries;
}

const size = (bytes: number): string => (bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`);

export function renderProfileIndex(runId: string, entries: readonly ProfileEntry[]): string {
  const lines = [`# Profiles of run ${runId}`, ''];
  if (entries.length === 0) lines.push('No profiles.', '');
  for (const e of entries) {
    const w = e.workload;
    lines.push(`## ${e.suite} / ${e.tool}`, '');
    if (w?.metric) lines.push(`- workload: \`${w.metric}\`${w.description ? ` (${w.description})` : ''}`);
    if (w?.iterations) lines.push(`- ${w.iterations} iteration(s) in ${((w.durationMs ?? 0) / 1000).toFixed(1)} s (${((w.durationMs ?? 0) / w.iterations).toFixed(1)} ms per iteration)`);
    lines.push(`- open: ${e.main ? `[${e.dir}/${e.main}](${e.dir}/${e.main})` : '**missing** (see tool.log)'}: ${TOOL_NOTES[e.tool]}`);
    if (e.command) lines.push(`- command: \`${e.command}\``);
    lines.push('- files:', ...e.files.map((f) => `  - [${f.file}](${e.dir}/${f.file}) (${size(f.bytes)})`), '');
  }
  return lines.join('\n');
}

/** Rewrites profiles/index.md of a run folder; returns its path. */
export function writeProfileIndex(runDir: string): string {
  const profilesDir = path.join(runDir, 'profiles');
  const file = path.join(profilesDir, 'index.md');
  fs.mkdirSync(profilesDir, { recursive: true });
  writeFileAtomic(file, renderProfileIndex(path.basename(runDir), scanProfiles(profilesDir)));
  return file;
}

/**
 * When the run folder holds a finished run (report.json), list the index and the main artefacts in
 * its reports (report.json, summary.md, report.html, terminal.txt), without moving reports/latest.
 * Returns false when the folder has no run (a profile made on its own).
 */
export function attachProfilesToRun(runDir: string): boolean {
  const json = path.join(runDir, 'report.json');
  if (!fs.existsSync(json)) return false;
  const run = parseRunResult(fs.readFileSync(json, 'utf8'), json);
  const mains = scanProfiles(path.join(runDir, 'profiles')).flatMap((e) => (e.main ? [`profiles/${e.dir}/${e.main}`] : []));
  run.profiles = [...new Set([...(run.profiles ?? []), 'profiles/index.md', ...mains])];
  for (const [name, text] of Object.entries(renderAll(run))) writeFileAtomic(path.join(runDir, name), text);
  return true;
}
