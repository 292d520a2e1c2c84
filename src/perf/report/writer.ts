// Writes a run's reports to reports/<run-id>/ and points reports/latest at it. The only
// file-writing part of src/perf/report; the renderers stay pure.
import fs from 'node:fs';
import path from 'node:path';
import { renderHtml } from './html.ts';
import { renderSummaryMarkdown } from './markdown.ts';
import { renderTerminal } from './terminal.ts';
import type { RunResult } from '../metrics/run-result.ts';

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

export function writeReports(run: RunResult, reportsDir: string): WrittenReports {
  const dir = path.join(reportsDir, run.runId);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(renderAll(run))) fs.writeFileSync(path.join(dir, name), text);
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
    fs.rmSync(latest, { force: true, recursive: true });
    fs.cpSync(path.join(reportsDir, runId), latest, { recursive: true });
  }
}

/** A sortable, filesystem-safe run id: 2024-01-31T12-00-00-000Z-<sha7>. */
export function newRunId(date: Date, gitSha: string | null): string {
  return `${date.toISOString().replace(/[:.]/g, '-')}${gitSha ? `-${gitSha.slice(0, 7)}` : ''}`;
}
