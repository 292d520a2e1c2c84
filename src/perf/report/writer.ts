// Writes a run's reports to reports/<run-id>/ and points reports/latest at it. The only
// file-writing part of src/perf/report; the renderers stay pure.
import fs from 'node:fs';
import path from 'node:path';
import { renderHtml } from './html.ts';
import { renderSummaryMarkdown } from './markdown.ts';
import { renderTerminal } from './terminal.ts';
import type { RunResult } from '../metrics/run-result.ts';
import { writeError, writeFileAtomic } from '../baseline/atomic-write.ts';

export interface WrittenReports {
  dir: string;
  json: string;
  markdown: string;
  html: string;
  terminal: string;
}

export function renderAll(run: RunResult): Record<'report.json' | 'summary.md' | 'report.html' | 'terminal.txt', string> {
  return {
    'report.json': JSON.stringify(run, null, 2) + '\n',
    'summary.md': renderSummaryMarkdown(run),
    'report.html': renderHtml(run),
    'terminal.txt': renderTerminal(run),
  };
}

/**
 * Each file is written atomically, and reports/latest moves to the run only after all of them: a run
 * interrupted or failing here (a full disk) leaves latest at the previous complete run.
 */
export function writeReports(run: RunResult, reportsDir: string): WrittenReports {
  const dir = path.join(reportsDir, run.runId);
  for (const [name, text] of Object.entries(renderAll(run))) writeFileAtomic(path.join(dir, name), text);
  pointLatest(reportsDir, run.runId);
  return {
    dir,
    json: path.join(dir, 'report.json'),
    markdown: path.join(dir, 'summary.md'),
    html: path.join(dir, 'report.html'),
    terminal: path.join(dir, 'terminal.txt'),
  };
}

/** reports/latest -> <run-id> (a relative symlink, replaced atomically; a copy where symlinks fail). */
function pointLatest(reportsDir: string, runId: string): void {
  const latest = path.join(reportsDir, 'latest');
  const tmp = path.join(reportsDir, `.latest-${process.pid}`);
  try {
    fs.rmSync(tmp, { force: true, recursive: true });
    fs.symlinkSync(runId, tmp, 'dir');
    fs.renameSync(tmp, latest);
  } catch {
    // The copy is made beside it first, so a failed copy leaves the old latest in place.
    try {
      fs.rmSync(tmp, { force: true, recursive: true });
      fs.cpSync(path.join(reportsDir, runId), tmp, { recursive: true });
      fs.rmSync(latest, { force: true, recursive: true });
      fs.renameSync(tmp, latest);
    } catch (error) {
      fs.rmSync(tmp, { force: true, recursive: true });
      throw writeError(latest, error);
    }
  }
}

/** A sortable, filesystem-safe run id: 2024-01-31T12-00-00-000Z-<sha7>. */
export function newRunId(date: Date, gitSha: string | null): string {
  return `${date.toISOString().replace(/[:.]/g, '-')}${gitSha ? `-${gitSha.slice(0, 7)}` : ''}`;
}
