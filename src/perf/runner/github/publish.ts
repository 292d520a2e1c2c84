// GitHub Actions output through @actions/core: the job summary (summary.md) and the run's
// annotations. Used by the reporter of an unsharded run when GITHUB_ACTIONS=true, by
// `truthgraph perf ci-summary <report.json>` and by the gate after a merge.
import fs from 'node:fs';
import * as core from '@actions/core';
import { renderSummaryMarkdown } from '../../report/markdown.ts';
import type { RunResult } from '../../metrics/run-result.ts';
import type { WrittenReports } from '../../report/writer.ts';
import { annotationsOf, type Annotation } from './annotations.ts';

export function issueAnnotations(annotations: readonly Annotation[]): void {
  for (const a of annotations) {
    const props = { title: a.title, ...(a.file && { file: a.file }) };
    if (a.level === 'error') core.error(a.message, props);
    else if (a.level === 'warning') core.warning(a.message, props);
    else core.notice(a.message, props);
  }
}

/** Append markdown to the job summary; false when $GITHUB_STEP_SUMMARY is not an existing file. */
export async function appendJobSummary(markdown: string): Promise<boolean> {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file || !fs.existsSync(file)) return false;
  await core.summary.addRaw(markdown).write();
  return true;
}

export async function publishToGithub(run: RunResult, reports?: Pick<WrittenReports, 'dir'>): Promise<{ summary: boolean; annotations: number }> {
  const annotations = annotationsOf(run);
  issueAnnotations(annotations);
  const summary = await appendJobSummary(renderSummaryMarkdown(run) + (reports ? `\nReports: \`${reports.dir}\`\n` : ''));
  core.setOutput('exit-code', String(run.exitCode));
  return { summary, annotations: annotations.length };
}
