// GitHub Actions: the job summary (summary.md) and one annotation per failing or inconclusive
// metric, through @actions/core. Used by the reporter when GITHUB_ACTIONS=true and by
// `truthgraph perf ci-summary <report.json>`.
import fs from 'node:fs';
import * as core from '@actions/core';
import { renderSummaryMarkdown } from '../report/markdown.ts';
import { formatChange, formatCi, formatNumber, formatPs } from '../report/format.ts';
import type { RunResult } from '../metrics/run-result.ts';
import type { WrittenReports } from '../report/writer.ts';

export async function publishToGithub(run: RunResult, reports?: Pick<WrittenReports, 'dir'>): Promise<{ summary: boolean; annotations: number }> {
  let annotations = 0;
  for (const m of run.metrics) {
    const e = m.decision.evidence;
    const text = `${m.name}: ${m.decision.status}${m.decision.advisory ? ' (advisory)' : ''} — ${formatNumber(e.baseline)} -> ${formatNumber(e.current)} ${m.unit} ${formatChange(m)} ${formatCi(m)} ${formatPs(e)}`;
    const suite = run.suites.find((s) => s.name === m.suite);
    const props = { title: `perf ${m.suite}`, ...(suite && { file: suite.file }) };
    if ((m.decision.status === 'REGRESSED' || m.decision.status === 'BUDGET-FAIL') && !m.decision.advisory) {
      core.error(text, props);
      annotations++;
    } else if (m.decision.status === 'INCONCLUSIVE' || m.decision.advisory) {
      core.warning(text, props);
      annotations++;
    }
  }
  for (const e of [...run.errors, ...run.suites.flatMap((s) => s.errors)]) {
    core.error(e.split('\n')[0]!, { title: 'perf harness error' });
    annotations++;
  }
  const file = process.env.GITHUB_STEP_SUMMARY;
  let summary = false;
  if (file && fs.existsSync(file)) {
    await core.summary.addRaw(renderSummaryMarkdown(run)).addRaw(reports ? `\nReports: \`${reports.dir}\`\n` : '').write();
    summary = true;
  }
  core.setOutput('exit-code', String(run.exitCode));
  return { summary, annotations };
}
